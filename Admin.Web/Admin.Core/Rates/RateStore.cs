using System.Collections.Concurrent;
using Admin.Core.Cluster;

namespace Admin.Core.Rates;

/// <summary>
/// Rate series per topic, per channel and per topic on each node, fed by <see cref="StatsSampler"/>. Series of topics and
/// channels that disappear from the cluster are dropped at the next sample; past <see cref="MaxSeries"/> new series are
/// not created (and counted in <see cref="SeriesRefused"/>), so a cluster with very many topics cannot grow it without bound.
/// </summary>
public sealed class RateStore(AdminOptions options)
{
    /// <summary>Upper bound on the number of series held.</summary>
    public const int MaxSeries = 20_000;

    private readonly ConcurrentDictionary<string, RateSeries> _series = new(StringComparer.Ordinal);
    private long _refused;

    /// <summary>Series not created because <see cref="MaxSeries"/> was reached.</summary>
    public long SeriesRefused => Interlocked.Read(ref _refused);

    /// <summary>Samples taken so far (successful polls of the cluster).</summary>
    public long Samples { get; private set; }

    /// <summary>The series of a topic (channel null), of a channel, or of a topic on one node.</summary>
    public RateSeries? Find(string topic, string? channel = null, string? node = null) => _series.GetValueOrDefault(Key(topic, channel, node));

    /// <summary>Records one poll of the whole cluster taken at <paramref name="unixMs"/>.</summary>
    public void Record(long unixMs, IReadOnlyList<NodeStats> stats)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var topic in StatsAggregator.Topics(stats))
        {
            long consumed = 0, channelDepth = 0;
            foreach (var c in topic.Channels)
            {
                var left = Consumed(c.Total);
                consumed += left;
                channelDepth += c.Total.Depth;
                Add(seen, Key(topic.Topic, c.Channel, null), unixMs, new RateCounters(c.Total.Messages, left, c.Total.Depth));
            }
            Add(seen, Key(topic.Topic, null, null), unixMs, new RateCounters(topic.Total.Messages, consumed, topic.Total.Depth + channelDepth));
            foreach (var n in topic.Nodes)
                Add(seen, Key(topic.Topic, null, n.Node), unixMs, new RateCounters(n.Counts.Messages, 0, n.Counts.Depth));
        }
        foreach (var key in _series.Keys)
        {
            if (!seen.Contains(key)) _series.TryRemove(key, out _);
        }
        Samples++;
    }

    /// <summary>Messages that have left a channel: put into it, and no longer waiting, in flight or deferred.</summary>
    private static long Consumed(QueueCounts c) => Math.Max(0, c.Messages - c.Depth - c.InFlight - c.Deferred);

    private void Add(HashSet<string> seen, string key, long unixMs, RateCounters counters)
    {
        seen.Add(key);
        if (!_series.TryGetValue(key, out var series))
        {
            if (_series.Count >= MaxSeries)
            {
                Interlocked.Increment(ref _refused);
                return;
            }
            series = _series.GetOrAdd(key, _ => new RateSeries(options.RateSamples));
        }
        series.Add(unixMs, counters);
    }

    private static string Key(string topic, string? channel, string? node)
        => node is not null ? $"{topic}@{node}" : channel is not null ? $"{topic}/{channel}" : topic;
}
