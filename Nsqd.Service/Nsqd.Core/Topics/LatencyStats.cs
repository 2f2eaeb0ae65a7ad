using Nsqd.Core.Infrastructure;

namespace Nsqd.Core.Topics;

/// <summary>
/// End-to-end processing latency (publish → FIN) for /stats <c>e2e_processing_latency</c>. Only active when
/// <c>--e2e-processing-latency-percentile</c> is set, as in nsqd; keeps a bounded ring of recent samples within the window.
/// </summary>
internal sealed class LatencyStats(IReadOnlyList<double> percentiles, TimeSpan window)
{
    private const int Capacity = 4096;
    private readonly long[] _values = percentiles.Count > 0 ? new long[Capacity] : [];
    private readonly long[] _times = percentiles.Count > 0 ? new long[Capacity] : [];
    private readonly Lock _lock = new();
    private int _next;
    private int _count;

    public IReadOnlyList<double> Percentiles { get; } = percentiles;
    public bool Enabled => _values.Length > 0;

    public void Record(long nanos)
    {
        if (!Enabled) return;
        lock (_lock)
        {
            _values[_next] = nanos;
            _times[_next] = Clock.NowMs;
            _next = (_next + 1) % Capacity;
            if (_count < Capacity) _count++;
        }
    }

    /// <summary>(count, [(quantile, value ns)]) over the samples inside the window; null percentiles when disabled.</summary>
    public (long Count, List<(double Quantile, double Value)>? Values) Snapshot()
    {
        if (!Enabled) return (0, null);
        long[] sorted;
        lock (_lock)
        {
            var horizon = Clock.NowMs - (long)window.TotalMilliseconds;
            var list = new List<long>(_count);
            for (var i = 0; i < _count; i++) if (_times[i] >= horizon) list.Add(_values[i]);
            sorted = [.. list];
        }
        Array.Sort(sorted);
        var result = new List<(double, double)>(Percentiles.Count);
        foreach (var q in Percentiles.OrderByDescending(p => p))
        {
            double v = sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];
            result.Add((q, v));
        }
        return (sorted.Length, result);
    }
}
