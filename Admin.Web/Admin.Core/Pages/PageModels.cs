using Admin.Core.Cluster;
using Admin.Core.Rates;

namespace Admin.Core.Pages;

/// <summary>The topics page: every topic with cluster totals and per-node rows, and the latest rates.</summary>
public sealed record TopicsModel(IReadOnlyList<TopicSummary> Topics, RateStore Rates, string Warning);

/// <summary>A topic page.</summary>
public sealed record TopicModel(TopicSummary Topic, IReadOnlyList<string> Producers, RateStore Rates, string Warning);

/// <summary>A channel page, with each node's channel policies and, when asked for, the head of its queue.</summary>
public sealed record ChannelModel(ChannelSummary Channel, RateStore Rates, DateTimeOffset Now, string Warning,
    IReadOnlyList<NodePolicy> Policies, PeekView? Peek);

/// <summary>The channel page's peek: how many messages were asked for and what each node answered (none when the
/// operator may not see bodies: with <c>--admin-user</c>, only admin users may).</summary>
public sealed record PeekView(int Count, IReadOnlyList<NodePeek> Nodes, bool Forbidden);

/// <summary>The nodes page.</summary>
public sealed record NodesModel(IReadOnlyList<NodeView> Nodes, int LookupdCount, Version? Newest, string Warning);

/// <summary>A node page: the node's stats with clients.</summary>
public sealed record NodeModel(string Node, NodeStats Stats, DateTimeOffset Now, string Warning);

/// <summary>The lookup page: lookupds, topics without producers, the create form.</summary>
public sealed record LookupModel(IReadOnlyList<string> Lookupds, IReadOnlyDictionary<string, List<string>> Inactive, string Warning);

/// <summary>The counter page: the cluster-wide total of messages through channels.</summary>
public sealed record CounterModel(long Total, string Warning);
