namespace Nsq.Client;

/// <summary>
/// A push source of the nsqd that have a topic, for <see cref="NsqConsumerOptions.Discovery"/>: an alternative or an
/// addition to polling nsqlookupd over HTTP (for example the lookup's gRPC topology stream, in NsqAspire.Nsq.Client.Grpc).
/// </summary>
public interface INsqdDiscovery
{
    /// <summary>
    /// Watches <paramref name="topic"/>: yields the complete list of its nsqd (not a delta) at once when known, then
    /// again whenever it changes, until <paramref name="cancellationToken"/> is cancelled. The source reconnects to its
    /// backends itself; the consumer connects to every listed nsqd it does not know yet (by <see cref="NsqdEndpoint.Key"/>)
    /// and keeps connections to nsqd that drop out of the list, as with lookupd. Should the sequence end or throw, the
    /// consumer logs it and watches again after a backoff.
    /// </summary>
    /// <param name="topic">The consumer's topic.</param>
    /// <param name="cancellationToken">Cancelled when the consumer stops.</param>
    IAsyncEnumerable<IReadOnlyList<NsqdEndpoint>> WatchAsync(string topic, CancellationToken cancellationToken);
}
