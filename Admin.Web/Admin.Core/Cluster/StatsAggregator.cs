namespace Admin.Core.Cluster;

/// <summary>Folds the per-node <c>/stats</c> answers into cluster-wide views (what nsqadmin computes for each page).</summary>
public static class StatsAggregator
{
    /// <summary>Every topic present in <paramref name="stats"/>, summed over nodes, sorted by name.</summary>
    public static List<TopicSummary> Topics(IEnumerable<NodeStats> stats)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        var list = stats.ToList();
        foreach (var s in list) names.UnionWith(s.Stats.Topics?.Select(t => t.TopicName) ?? []);
        return [.. names.Select(n => Topic(n, list))];
    }

    /// <summary><paramref name="topic"/> summed over the nodes that hold it.</summary>
    public static TopicSummary Topic(string topic, IEnumerable<NodeStats> stats)
    {
        var nodes = new List<NodeCounts>();
        var channels = new SortedDictionary<string, (List<NodeCounts> Rows, List<ClientView> Clients)>(StringComparer.Ordinal);
        foreach (var s in stats)
        {
            var t = s.Stats.Topics?.Find(x => x.TopicName == topic);
            if (t is null) continue;
            nodes.Add(new NodeCounts(s.Node, QueueCounts.Of(t)));
            foreach (var c in t.Channels)
            {
                if (!channels.TryGetValue(c.ChannelName, out var acc)) channels[c.ChannelName] = acc = ([], []);
                acc.Rows.Add(new NodeCounts(s.Node, QueueCounts.Of(c)));
                acc.Clients.AddRange((c.Clients ?? []).Select(cl => new ClientView(s.Node, cl)));
            }
        }
        var summaries = channels.Select(kv => new ChannelSummary(topic, kv.Key, Sum(kv.Value.Rows), kv.Value.Rows, kv.Value.Clients)).ToList();
        return new TopicSummary(topic, Sum(nodes), nodes, summaries);
    }

    private static QueueCounts Sum(IEnumerable<NodeCounts> rows)
    {
        var total = QueueCounts.Zero;
        foreach (var r in rows) total = total.Add(r.Counts);
        return total;
    }
}
