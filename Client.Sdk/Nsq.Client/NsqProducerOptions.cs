using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Nsq.Client;

/// <summary>Options of an <see cref="NsqProducer"/>.</summary>
public sealed record NsqProducerOptions
{
    /// <summary>The nsqd TCP addresses (<c>host:port</c>). The producer uses one at a time and fails over to the next.</summary>
    public IReadOnlyList<string> NsqdTcpAddresses { get; init; } = ["127.0.0.1:4150"];

    /// <summary>A single nsqd address (sets <see cref="NsqdTcpAddresses"/>).</summary>
    public string NsqdTcpAddress
    {
        get => NsqdTcpAddresses[0];
        init => NsqdTcpAddresses = [value];
    }

    /// <summary>How long to wait for the TCP connect and the IDENTIFY answer.</summary>
    public TimeSpan DialTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long to wait for nsqd to acknowledge a publish.</summary>
    public TimeSpan PublishTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The heartbeat interval asked for in IDENTIFY.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The client_id sent in IDENTIFY.</summary>
    public string ClientId { get; init; } = Environment.MachineName;

    /// <summary>Turns typed messages into bodies.</summary>
    public INsqSerializer Serializer { get; init; } = NsqJsonSerializer.Default;

    /// <summary>Where the producer logs.</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;
}
