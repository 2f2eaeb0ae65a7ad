namespace Nsq.Client;

/// <summary>Options of an <see cref="NsqConsumer"/> (connection and IDENTIFY options are on <see cref="NsqClientOptions"/>).</summary>
public sealed record NsqConsumerOptions : NsqClientOptions
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

    /// <summary>
    /// A push source of nsqd for <see cref="Topic"/> (for example the lookup's gRPC topology stream). When set, the consumer
    /// connects to every nsqd it lists, together with those <see cref="LookupdHttpAddresses"/> list (union; the HTTP polling
    /// stays as a fallback), and <see cref="NsqdTcpAddresses"/> is ignored.
    /// </summary>
    public INsqdDiscovery? Discovery { get; init; }

    /// <summary>How often the lookupds are polled.</summary>
    public TimeSpan LookupdPollInterval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The first periodic poll waits a random <c>[0, jitter × interval)</c> on top of the initial lookup.</summary>
    public double LookupdPollJitter { get; init; } = 0.3;

    /// <summary>How long one lookupd request may take.</summary>
    public TimeSpan LookupdRequestTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The most messages in flight over all connections; each open connection gets RDY max(1, MaxInFlight / connections),
    /// and when MaxInFlight is below the number of connections RDY 1 rotates among them every <see cref="RdyRedistributeInterval"/>.
    /// </summary>
    public int MaxInFlight { get; init; } = 1;

    /// <summary>How often RDY 1 moves on when there are more connections than <see cref="MaxInFlight"/>.</summary>
    public TimeSpan RdyRedistributeInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>A message delivered more often than this is finished and handed to <see cref="OnMaxAttemptsExceeded"/> (0 = no limit).</summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>The requeue delay after a handler failure, doubled for each further attempt (RequeueDelay × 2^(attempts-1)).</summary>
    public TimeSpan RequeueDelay { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>The largest requeue delay after a handler failure.</summary>
    public TimeSpan MaxRequeueDelay { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>The first backoff wait after a handler failure, doubled for each further consecutive failure.</summary>
    public TimeSpan BackoffMultiplier { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest backoff wait (RDY 0 on every connection); <see cref="TimeSpan.Zero"/> turns backoff off.</summary>
    public TimeSpan MaxBackoffDuration { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>The msg_timeout asked for in IDENTIFY (null = the nsqd default).</summary>
    public TimeSpan? MsgTimeout { get; init; }

    /// <summary>sample_rate in IDENTIFY: nsqd delivers this percentage of the channel's messages to this client (0 = all).</summary>
    public int SampleRate { get; init; }

    /// <summary>How many handlers RunAsync runs at once.</summary>
    public int HandlerConcurrency { get; init; } = 1;

    /// <summary>The first wait before reconnecting to an nsqd that dropped or refused the connection (doubled per failure, jittered).</summary>
    public TimeSpan ReconnectDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between reconnection attempts.</summary>
    public TimeSpan MaxReconnectDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Called (before FIN) for a message delivered more than <see cref="MaxAttempts"/> times. The message is recycled
    /// once the returned task completes: copy its body if you keep it (a dead-letter store, a log).
    /// </summary>
    public Func<NsqMessage, ValueTask>? OnMaxAttemptsExceeded { get; init; }

    internal Internal.NsqConnectionSettings ToConnectionSettings() => ToConnectionSettings(ResponseTimeout, MsgTimeout, SampleRate);
}
