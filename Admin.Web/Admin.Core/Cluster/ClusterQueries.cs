namespace Admin.Core.Cluster;

/// <summary>The reads the pages and the JSON API share, built on <see cref="ClusterClient"/>.</summary>
public sealed class ClusterQueries(ClusterClient cluster)
{
    /// <summary>A topic over its producers (optionally one channel, optionally with clients).</summary>
    public async Task<Upstream<TopicSummary>> TopicAsync(string topic, bool includeClients, CancellationToken ct, string? channel = null)
    {
        var producers = await cluster.GetProducersAsync(topic, ct).ConfigureAwait(false);
        var stats = await cluster.GetStatsAsync(producers.Value, topic, channel, includeClients, ct).ConfigureAwait(false);
        return new(StatsAggregator.Topic(topic, stats.Value), [.. producers.Errors, .. stats.Errors], producers.AllFailed || stats.AllFailed);
    }

    /// <summary>One node's full stats (with clients), or null when no lookupd (or the static list) knows the node.</summary>
    public async Task<Upstream<NodeStats>?> NodeAsync(string node, CancellationToken ct)
    {
        var nodes = await cluster.GetNodesAsync(ct).ConfigureAwait(false);
        if (!nodes.Value.Any(n => n.Key == node)) return null;
        var stats = await cluster.GetStatsAsync([node], null, null, true, ct).ConfigureAwait(false);
        return stats.Value.Count == 0
            ? new(new NodeStats(node, new Nsq.Protocol.Http.StatsResponse()), [.. nodes.Errors, .. stats.Errors], true)
            : new(stats.Value[0], [.. nodes.Errors, .. stats.Errors]);
    }

    /// <summary>Every node's stats, without clients.</summary>
    public async Task<Upstream<List<NodeStats>>> AllStatsAsync(CancellationToken ct)
    {
        var nodes = await cluster.GetNodesAsync(ct).ConfigureAwait(false);
        var stats = await cluster.GetStatsAsync(nodes.Value.Select(n => n.Key), null, null, false, ct).ConfigureAwait(false);
        return new(stats.Value, [.. nodes.Errors, .. stats.Errors], nodes.AllFailed);
    }

    /// <summary>The topics page: every known topic (including those no node holds yet) with its cluster-wide stats.</summary>
    public async Task<Upstream<List<TopicSummary>>> TopicsAsync(CancellationToken ct)
    {
        var topics = await cluster.GetTopicsAsync(ct).ConfigureAwait(false);
        var stats = await AllStatsAsync(ct).ConfigureAwait(false);
        var summaries = StatsAggregator.Topics(stats.Value).ToDictionary(t => t.Topic, StringComparer.Ordinal);
        var all = topics.Value.Union(summaries.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(t => summaries.TryGetValue(t, out var s) ? s : new TopicSummary(t, QueueCounts.Zero, [], []));
        return new([.. all], [.. topics.Errors, .. stats.Errors], topics.AllFailed && stats.AllFailed);
    }
}
