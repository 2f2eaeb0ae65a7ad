using Admin.Core.Cluster;
using Nsq.Protocol.Http;

namespace Admin.Core.Api;

/// <summary><c>GET /api/topics</c>.</summary>
public sealed record TopicsBody(IReadOnlyList<string> Topics, string Message);

/// <summary><c>GET /api/topics?inactive=true</c>: topics without producers and their channels.</summary>
public sealed record InactiveTopicsBody(IReadOnlyDictionary<string, List<string>> Topics, string Message);

/// <summary>A topic or channel row of nsqadmin's aggregated stats (<c>node</c> is <c>"*"</c> for the cluster total).</summary>
public sealed record QueueBody(string Node, string TopicName, string? ChannelName, long Depth, long MemoryDepth, long BackendDepth,
    long InFlightCount, long DeferredCount, long RequeueCount, long TimeoutCount, long MessageCount, long ClientCount, bool Paused)
{
    public static QueueBody Of(string node, string topic, string? channel, QueueCounts c) => new(node, topic, channel, c.Depth,
        c.MemoryDepth, c.BackendDepth, c.InFlight, c.Deferred, c.Requeued, c.TimedOut, c.Messages, c.Clients, c.Paused);
}

/// <summary><c>GET /api/topics/:topic</c>: the total, per-node rows and channels.</summary>
public sealed record TopicBody(string Node, string TopicName, long Depth, long MemoryDepth, long BackendDepth, long MessageCount,
    bool Paused, IReadOnlyList<QueueBody> Nodes, IReadOnlyList<QueueBody> Channels, string Message)
{
    public static TopicBody Of(TopicSummary t, string message) => new("*", t.Topic, t.Total.Depth, t.Total.MemoryDepth,
        t.Total.BackendDepth, t.Total.Messages, t.Total.Paused,
        [.. t.Nodes.Select(n => QueueBody.Of(n.Node, t.Topic, null, n.Counts))],
        [.. t.Channels.Select(c => QueueBody.Of("*", t.Topic, c.Channel, c.Total))], message);
}

/// <summary>A consumer in <c>GET /api/topics/:topic/:channel</c>: the nsqd stats plus the node and the connected time.</summary>
public sealed record ClientBody(string Node, ClientStats Client, long ConnectedSeconds);

/// <summary><c>GET /api/topics/:topic/:channel</c>.</summary>
public sealed record ChannelBody(QueueBody Total, IReadOnlyList<QueueBody> Nodes, IReadOnlyList<ClientBody> Clients, string Message);

/// <summary>One node of <c>GET /api/nodes</c>.</summary>
public sealed record NodeBody(IReadOnlyList<string> RemoteAddresses, string Hostname, string BroadcastAddress, int TcpPort, int HttpPort,
    string Version, IReadOnlyList<NodeTopicBody> Topics, bool OutOfDate, string Node);

/// <summary>A topic of a node, tombstoned or not.</summary>
public sealed record NodeTopicBody(string Topic, bool Tombstoned);

/// <summary><c>GET /api/nodes</c>.</summary>
public sealed record NodesBody(IReadOnlyList<NodeBody> Nodes, string Message);

/// <summary><c>GET /api/nodes/:node</c>: the node's full stats.</summary>
public sealed record NodeStatsBody(string Node, IReadOnlyList<TopicStats> Topics, long TotalMessages, long TotalClients, string Message);

/// <summary>One channel of <c>GET /api/counter</c>.</summary>
public sealed record CounterEntry(string Node, string TopicName, string ChannelName, long MessageCount);

/// <summary><c>GET /api/counter</c>: per topic:channel:node message counts, and their sum.</summary>
public sealed record CounterBody(IReadOnlyDictionary<string, CounterEntry> Stats, long Total, string Message);

/// <summary><c>GET /api/rates</c>: the chart series of a topic or channel.</summary>
public sealed record RatesBody(string Topic, string? Channel, long IntervalMs, IReadOnlyList<Rates.RatePoint> Points);
