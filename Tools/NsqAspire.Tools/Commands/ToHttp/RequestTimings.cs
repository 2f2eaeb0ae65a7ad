using System.Diagnostics;
using System.Globalization;

namespace NsqAspire.Tools.Commands.ToHttp;

/// <summary>
/// nsq_to_http's <c>--status-every</c> report (bitly's timer_metrics): the durations of the last N requests in a ring,
/// and every N requests one stderr line in Go's log format,
/// <c>2006/01/02 15:04:05 [aggregate]: finished 250 - 99th: 1.23ms - 95th: 1.01ms - avg: 0.52ms</c>.
/// Go prints on the request after the N-th (N+1, 2N+1, ...); this prints on the N-th, as the flag's text says.
/// </summary>
internal sealed class RequestTimings
{
    private readonly string _prefix;
    private readonly long[] _ring;
    private readonly long[] _sorted;
    private readonly Lock _gate = new();
    private int _position;
    private int _filled;

    /// <summary>Reports every <paramref name="statusEvery"/> requests (0 disables) under <paramref name="prefix"/>.</summary>
    public RequestTimings(int statusEvery, string prefix)
    {
        _prefix = prefix;
        _ring = new long[Math.Max(statusEvery, 0)];
        _sorted = new long[_ring.Length];
        if (statusEvery is > 0 and < 100)
            Log($"Warning: use more than 100 status values for accurate percentiles (configured with {statusEvery})");
    }

    /// <summary>Records the time since <paramref name="startTimestamp"/> (a <see cref="Stopwatch"/> timestamp).</summary>
    public void Record(long startTimestamp)
    {
        if (_ring.Length == 0) return;
        var elapsed = Stopwatch.GetElapsedTime(startTimestamp).Ticks;
        string? line = null;
        lock (_gate)
        {
            _ring[_position++] = elapsed;
            if (_filled < _ring.Length) _filled++;
            if (_position == _ring.Length)
            {
                _position = 0;
                line = Report();
            }
        }
        if (line is not null) Log(line);
    }

    /// <summary>timer_metrics' figures: average, and the 95th/99th at index ceil(p/100 × n + 0.5) of the sorted window.</summary>
    private string Report()
    {
        long total = 0;
        for (var i = 0; i < _filled; i++) total += _ring[i];
        Array.Copy(_ring, _sorted, _filled);
        Array.Sort(_sorted, 0, _filled);
        var average = _filled == 0 ? 0 : total / _filled;
        return string.Create(CultureInfo.InvariantCulture,
            $"{_prefix} finished {_filled} - 99th: {Milliseconds(Percentile(99))} - 95th: {Milliseconds(Percentile(95))} - avg: {Milliseconds(average)}");
    }

    private long Percentile(double percent)
    {
        if (_filled == 0) return 0;
        var index = (int)Math.Ceiling(percent / 100.0 * _filled + 0.5);
        return _sorted[Math.Min(index, _filled - 1)];
    }

    private static string Milliseconds(long ticks) =>
        (ticks / (double)TimeSpan.TicksPerMillisecond).ToString("F2", CultureInfo.InvariantCulture) + "ms";

    /// <summary>Go's standard logger: local date and time, then the message, on stderr.</summary>
    private static void Log(string message) =>
        Console.Error.WriteLine(DateTime.Now.ToString("yyyy/MM/dd HH:mm:ss ", CultureInfo.InvariantCulture) + message);
}
