using Lookup.Core.Registry;
using Nsq.Protocol.Lookup;

namespace Lookup.Core.Grpc;

/// <summary>
/// What <c>GET /lookup?topic=</c> shows of a topic (spec §6.3, §6.4): whether the topic key exists, its channels and its
/// live producers. One helper so the HTTP API and the gRPC topology stream can never disagree about liveness.
/// Channels are sorted ordinally and producers by broadcast address, TCP port and remote address (nsqlookupd returns
/// map order, which is unspecified), so equal states compare equal.
/// </summary>
public sealed class TopicView
{
    private TopicView(string topic, bool exists, IReadOnlyList<string> channels, IReadOnlyList<ProducerRecord> producers,
        IReadOnlyList<ProducerRecord> registered)
    {
        Topic = topic;
        Exists = exists;
        Channels = channels;
        Producers = producers;
        Registered = registered;
    }

    public string Topic { get; }

    /// <summary>False when the topic key is missing: <c>/lookup</c> answers 404 <c>TOPIC_NOT_FOUND</c>.</summary>
    public bool Exists { get; }

    public IReadOnlyList<string> Channels { get; }

    /// <summary>Producers of the topic that pass <see cref="IsActive"/>.</summary>
    public IReadOnlyList<ProducerRecord> Producers { get; }

    /// <summary>Every producer registered under the topic key, filtered or not (for <see cref="NextFilterDeadlineNs"/>).</summary>
    public IReadOnlyList<ProducerRecord> Registered { get; }

    /// <summary>The PeerInfo list <c>/lookup</c> returns (never null; empty when none).</summary>
    public List<PeerInfo> PeerInfos => Producers.Select(p => p.Info).ToList();

    /// <summary>Current time as Unix nanoseconds, the unit of <see cref="ProducerRecord.LastUpdateNs"/>.</summary>
    public static long NowNs(TimeProvider? time = null)
        => ((time ?? TimeProvider.System).GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks * 100;

    /// <summary>
    /// nsqlookupd's <c>FilterByActive</c>: a producer is shown when its last IDENTIFY/PING is no older than
    /// <paramref name="inactiveTimeout"/> and it is not tombstoned, or its tombstone is at least
    /// <paramref name="tombstoneLifetime"/> old.
    /// </summary>
    public static bool IsActive(ProducerRecord producer, TimeSpan inactiveTimeout, TimeSpan tombstoneLifetime, long nowNs)
    {
        ArgumentNullException.ThrowIfNull(producer);
        if (nowNs - producer.LastUpdateNs > ToNs(inactiveTimeout)) return false;
        return !(producer.Tombstoned && nowNs - producer.TombstonedAtNs < ToNs(tombstoneLifetime));
    }

    /// <summary>The producers of <paramref name="producers"/> that pass <see cref="IsActive"/>, in their order.</summary>
    public static List<ProducerRecord> FilterActive(
        IEnumerable<ProducerRecord> producers, TimeSpan inactiveTimeout, TimeSpan tombstoneLifetime, long nowNs)
        => producers.Where(p => IsActive(p, inactiveTimeout, tombstoneLifetime, nowNs)).ToList();

    /// <summary>Reads the topic's registrations from the store and applies the <c>/lookup</c> filter.</summary>
    public static async Task<TopicView> BuildAsync(
        IRegistrationStore store, string topic, TimeSpan inactiveTimeout, TimeSpan tombstoneLifetime, long nowNs)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(topic);
        var topicKeys = await store.FindRegistrationsAsync(Registration.TopicCategory, topic, "").ConfigureAwait(false);
        var exists = topicKeys.Count > 0;
        if (!exists) return new TopicView(topic, false, [], [], []);

        var channelKeys = await store.FindRegistrationsAsync(Registration.ChannelCategory, topic, "*").ConfigureAwait(false);
        var channels = channelKeys.Select(r => r.SubKey).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

        var all = await store.FindProducersAsync(Registration.TopicCategory, topic, "").ConfigureAwait(false);
        var live = ProducerDedup.ByNode(FilterActive(all, inactiveTimeout, tombstoneLifetime, nowNs))
            .OrderBy(p => p.Info.BroadcastAddress, StringComparer.Ordinal)
            .ThenBy(p => p.Info.TcpPort)
            .ThenBy(p => p.Info.RemoteAddress, StringComparer.Ordinal)
            .ThenBy(p => p.PeerId, StringComparer.Ordinal)
            .ToList();
        return new TopicView(topic, true, channels, live, all);
    }

    /// <summary>
    /// The next instant (Unix ns, after <paramref name="nowNs"/>) at which the filter's verdict on one of the
    /// producers can change without any store change: an active producer going inactive, or a tombstone expiring.
    /// Null when no such instant exists. Touches (PING) only move deadlines later, so re-checking then is enough.
    /// </summary>
    public static long? NextFilterDeadlineNs(
        IEnumerable<ProducerRecord> producers, TimeSpan inactiveTimeout, TimeSpan tombstoneLifetime, long nowNs)
    {
        ArgumentNullException.ThrowIfNull(producers);
        long? next = null;
        foreach (var p in producers)
        {
            var candidates = new[]
            {
                p.LastUpdateNs + ToNs(inactiveTimeout) + 1,
                p.Tombstoned ? p.TombstonedAtNs + ToNs(tombstoneLifetime) : long.MinValue,
            };
            foreach (var c in candidates)
                if (c > nowNs && (next is null || c < next)) next = c;
        }
        return next;
    }

    private static long ToNs(TimeSpan span) => span.Ticks * 100;
}
