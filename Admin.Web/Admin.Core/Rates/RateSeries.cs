namespace Admin.Core.Rates;

/// <summary>
/// The last <c>capacity</c> rate points of one topic or channel: a ring buffer that overwrites its oldest point, so memory
/// per series is fixed. Rates are the counter deltas between two successive samples divided by the time between them;
/// a counter that went down (an nsqd restarted, a node left) gives a rate of 0 rather than a negative one.
/// </summary>
public sealed class RateSeries(int capacity)
{
    private readonly RatePoint[] _points = new RatePoint[capacity];
    private readonly Lock _lock = new();
    private int _next;
    private int _count;
    private RateCounters? _last;
    private long _lastUnixMs;

    /// <summary>Records a sample taken at <paramref name="unixMs"/>; the first sample only sets the baseline.</summary>
    public void Add(long unixMs, RateCounters counters)
    {
        lock (_lock)
        {
            if (_last is { } last && unixMs > _lastUnixMs)
            {
                var seconds = (unixMs - _lastUnixMs) / 1000.0;
                _points[_next] = new RatePoint(unixMs, Rate(counters.Published - last.Published, seconds),
                    Rate(counters.Consumed - last.Consumed, seconds), counters.Depth);
                _next = (_next + 1) % _points.Length;
                _count = Math.Min(_count + 1, _points.Length);
            }
            _last = counters;
            _lastUnixMs = unixMs;
        }
    }

    /// <summary>The points, oldest first.</summary>
    public RatePoint[] Snapshot()
    {
        lock (_lock)
        {
            var result = new RatePoint[_count];
            var start = (_next - _count + _points.Length) % _points.Length;
            for (var i = 0; i < _count; i++) result[i] = _points[(start + i) % _points.Length];
            return result;
        }
    }

    /// <summary>The newest point, or null before two samples.</summary>
    public RatePoint? Latest
    {
        get
        {
            lock (_lock) return _count == 0 ? null : _points[(_next - 1 + _points.Length) % _points.Length];
        }
    }

    private static double Rate(long delta, double seconds) => delta <= 0 ? 0 : Math.Round(delta / seconds, 2);
}
