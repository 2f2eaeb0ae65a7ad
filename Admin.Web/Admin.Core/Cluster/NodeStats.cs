using Nsq.Protocol.Http;

namespace Admin.Core.Cluster;

/// <summary>One node's <c>/stats?format=json</c> answer, tagged with the node it came from.</summary>
public sealed record NodeStats(string Node, StatsResponse Stats);
