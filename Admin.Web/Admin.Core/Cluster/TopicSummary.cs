using Nsq.Protocol.Http;

namespace Admin.Core.Cluster;

/// <summary>
/// Counters shared by a topic or channel row: one node's, or the sum over nodes (nsqadmin's node <c>"*"</c>).
/// <see cref="CorruptRecords"/> and <see cref="BadSegments"/> are our nsqd's disk damage counters (0 from a real nsqd,
/// which has no such keys). <see cref="DeadLettered"/>, <see cref="Expired"/> and <see cref="Overflowed"/> are our nsqd's
/// channel-policy counters (docs/channel-policies.md): null where the node does not send them (the policy is off, or
/// a real nsqd).
/// </summary>
public sealed record QueueCounts(long Depth, long BackendDepth, long InFlight, long Deferred, long Requeued, long TimedOut,
    long Messages, long Clients, bool Paused, long CorruptRecords = 0, long BadSegments = 0,
    long? DeadLettered = null, long? Expired = null, long? Overflowed = null)
{
    /// <summary>Whether the node(s) lost records to disk damage or found damaged segments.</summary>
    public bool Damaged => CorruptRecords > 0 || BadSegments > 0;

    /// <summary>Messages held in memory (nsqadmin's <c>memory_depth</c> = depth − backend_depth).</summary>
    public long MemoryDepth => Depth - BackendDepth;

    /// <summary>Row of all zeros, the seed of a sum.</summary>
    public static QueueCounts Zero { get; } = new(0, 0, 0, 0, 0, 0, 0, 0, false);

    public static QueueCounts Of(TopicStats t) => new(t.Depth, t.BackendDepth, 0, 0, 0, 0, t.MessageCount, 0, t.Paused,
        t.BackendCorruptRecords ?? 0, t.BackendBadSegments ?? 0);

    public static QueueCounts Of(ChannelStats c) => new(c.Depth, c.BackendDepth, c.InFlightCount, c.DeferredCount, c.RequeueCount,
        c.TimeoutCount, c.MessageCount, c.ClientCount, c.Paused, c.BackendCorruptRecords ?? 0, c.BackendBadSegments ?? 0,
        c.DeadLetterCount, c.ExpiredCount, c.OverflowCount);

    /// <summary>Sum of two rows; paused when any node is paused (nsqadmin shows a topic paused if one node is).</summary>
    public QueueCounts Add(QueueCounts o) => new(Depth + o.Depth, BackendDepth + o.BackendDepth, InFlight + o.InFlight,
        Deferred + o.Deferred, Requeued + o.Requeued, TimedOut + o.TimedOut, Messages + o.Messages, Clients + o.Clients, Paused || o.Paused,
        CorruptRecords + o.CorruptRecords, BadSegments + o.BadSegments,
        Sum(DeadLettered, o.DeadLettered), Sum(Expired, o.Expired), Sum(Overflowed, o.Overflowed));

    // A policy counter stays absent in a sum only when no node sent it.
    private static long? Sum(long? a, long? b) => a is null && b is null ? null : (a ?? 0) + (b ?? 0);
}

/// <summary>One node's share of a topic or channel.</summary>
public sealed record NodeCounts(string Node, QueueCounts Counts);

/// <summary>
/// Disk damage one node reports for a topic's own queue (<see cref="Channel"/> null) or for a channel's: the admin warns
/// on the topic and channel pages (docs/storage-format.md).
/// </summary>
public sealed record QueueDamage(string Node, string? Channel, long CorruptRecords, long BadSegments)
{
    /// <summary>The topic's damaged node rows, then its channels' (by channel name, then node).</summary>
    public static List<QueueDamage> Of(TopicSummary t) => [.. Rows(null, t.Nodes), .. t.Channels.SelectMany(c => Rows(c.Channel, c.Nodes))];

    /// <summary>The channel's damaged node rows.</summary>
    public static List<QueueDamage> Of(ChannelSummary c) => [.. Rows(c.Channel, c.Nodes)];

    private static IEnumerable<QueueDamage> Rows(string? channel, IEnumerable<NodeCounts> nodes) => nodes
        .Where(n => n.Counts.Damaged)
        .Select(n => new QueueDamage(n.Node, channel, n.Counts.CorruptRecords, n.Counts.BadSegments));
}

/// <summary>A consumer connection as the channel page lists it, with the node it is connected to.</summary>
public sealed record ClientView(string Node, ClientStats Client)
{
    /// <summary>How long the client has been connected, at <paramref name="now"/>.</summary>
    public TimeSpan ConnectedFor(DateTimeOffset now) => now - DateTimeOffset.FromUnixTimeSeconds(Client.ConnectTs);
}

/// <summary>A channel across the cluster: totals, per-node rows and (when asked for) its clients.</summary>
public sealed record ChannelSummary(string Topic, string Channel, QueueCounts Total, IReadOnlyList<NodeCounts> Nodes, IReadOnlyList<ClientView> Clients);

/// <summary>A topic across the cluster: totals, per-node rows and its channels aggregated over nodes.</summary>
public sealed record TopicSummary(string Topic, QueueCounts Total, IReadOnlyList<NodeCounts> Nodes, IReadOnlyList<ChannelSummary> Channels);
