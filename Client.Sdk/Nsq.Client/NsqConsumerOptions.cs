using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Nsq.Client;

/// <summary>Options of an <see cref="NsqConsumer"/>.</summary>
public sealed record NsqConsumerOptions
{
    /// <summary>The topic to subscribe to.</summary>
    public required string Topic { get; init; }

    /// <summary>The channel to subscribe as.</summary>
    public required string Channel { get; init; }

    /// <summary>The nsqd TCP addresses (<c>host:port</c>); the consumer subscribes on every one of them.</summary>
    public IReadOnlyList<string> NsqdTcpAddresses { get; init; } = ["127.0.0.1:4150"];

    /// <summary>
    /// The nsqlookupd HTTP addresses (<c>host:port</c> or a full URL). When set, the consumer discovers the nsqd that
    /// have <see cref="Topic"/> through them (union of all answers) and <see cref="NsqdTcpAddresses"/> is ignored.
    /// </summary>
    public IReadOnlyList<string> LookupdHttpAddresses { get; init; } = [];

    /// <summary>How often the lookupds are polled.</summary>
    public TimeSpan LookupdPollInterval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The first periodic poll waits a random <c>[0, jitter × interval)</c> on top of the initial lookup.</summary>
    public double LookupdPollJitter { get; init; } = 0.3;

    /// <summary>How long one lookupd request may take.</summary>
    public TimeSpan LookupdRequestTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The most messages in flight over all connections; each gets RDY max(1, MaxInFlight / connections).</summary>
    public int MaxInFlight { get; init; } = 1;

    /// <summary>A message delivered more often than this is finished and handed to <see cref="OnMaxAttemptsExceeded"/> (0 = no limit).</summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>The requeue delay after a handler failure, multiplied by the attempt count.</summary>
    public TimeSpan RequeueDelay { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>The largest requeue delay after a handler failure.</summary>
    public TimeSpan MaxRequeueDelay { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>The msg_timeout asked for in IDENTIFY (null = the nsqd default).</summary>
    public TimeSpan? MsgTimeout { get; init; }

    /// <summary>How many handlers <see cref="NsqConsumer.RunAsync"/> runs at once.</summary>
    public int HandlerConcurrency { get; init; } = 1;

    /// <summary>How long to wait before reconnecting to an nsqd that dropped the connection.</summary>
    public TimeSpan ReconnectDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long to wait for the TCP connect and each IDENTIFY/SUB answer.</summary>
    public TimeSpan DialTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The heartbeat interval asked for in IDENTIFY.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The client_id sent in IDENTIFY.</summary>
    public string ClientId { get; init; } = Environment.MachineName;

    /// <summary>Called (before FIN) for a message delivered more than <see cref="MaxAttempts"/> times.</summary>
    public Func<NsqMessage, ValueTask>? OnMaxAttemptsExceeded { get; init; }

    /// <summary>Reads typed bodies (<see cref="NsqMessage.GetBody{T}()"/>).</summary>
    public INsqSerializer Serializer { get; init; } = NsqJsonSerializer.Default;

    /// <summary>Where the consumer logs.</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;
}
