using System.Diagnostics;

namespace NsqAspire.Tools.Commands.ToNsq;

/// <summary>
/// <c>--status-every</c>: after every N publishes, one stderr line with their latency (99th and 95th percentile and
/// average), as the Go tool's timer metrics log them; 0 turns it off.
/// </summary>
internal sealed class PublishStatus
{
    private readonly string _prefix;
    private readonly long[] _samples;
    private readonly Lock _gate = new();
    private int _count;

    public PublishStatus(int every, string prefix)
    {
        _prefix = prefix;
        _samples = new long[Math.Max(every, 0)];
    }

    /// <summary>Records a publish that started at <paramref name="startedAt"/> (a <see cref="Stopwatch"/> timestamp).</summary>
    public void Record(long startedAt)
    {
        if (_samples.Length == 0) return;
        var elapsed = Stopwatch.GetElapsedTime(startedAt).Ticks;
        string line;
        lock (_gate)
        {
            _samples[_count++] = elapsed;
            if (_count < _samples.Length) return;
            _count = 0;
            Array.Sort(_samples);
            long total = 0;
            foreach (var sample in _samples) total += sample;
            line = $"{_prefix} finished {_samples.Length} - 99th: {Ms(Percentile(99))} - 95th: {Ms(Percentile(95))} - avg: {Ms(total / _samples.Length)}";
        }
        Console.Error.WriteLine(line);
    }

    /// <summary>The sample at the percentile's rank (sorted samples).</summary>
    private long Percentile(double percent)
    {
        var index = (int)Math.Ceiling((percent / 100 * _samples.Length) + 0.5);
        return _samples[Math.Min(index, _samples.Length - 1)];
    }

    private static string Ms(long ticks) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{TimeSpan.FromTicks(ticks).TotalMilliseconds:F2}ms");
}
