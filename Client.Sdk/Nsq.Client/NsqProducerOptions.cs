namespace Nsq.Client;

/// <summary>Options of an <see cref="NsqProducer"/> (connection and IDENTIFY options are on <see cref="NsqClientOptions"/>).</summary>
public sealed record NsqProducerOptions : NsqClientOptions
{
    /// <summary>The nsqd TCP addresses (<c>host:port</c>). The producer uses one at a time and fails over to the next.</summary>
    public IReadOnlyList<string> NsqdTcpAddresses { get; init; } = ["127.0.0.1:4150"];

    /// <summary>A single nsqd address (sets <see cref="NsqdTcpAddresses"/>).</summary>
    public string NsqdTcpAddress
    {
        get => NsqdTcpAddresses[0];
        init => NsqdTcpAddresses = [value];
    }

    /// <summary>How long to wait for nsqd to acknowledge a publish (connecting included).</summary>
    public TimeSpan PublishTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The first wait before reconnecting after every nsqd failed (doubled per failure, at most <see cref="MaxReconnectDelay"/>).</summary>
    public TimeSpan ReconnectDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest wait between reconnection rounds.</summary>
    public TimeSpan MaxReconnectDelay { get; init; } = TimeSpan.FromSeconds(5);
}
