using System.Diagnostics;

namespace Nsqd.Core.Infrastructure;

/// <summary>Two clocks: a monotonic millisecond clock for deadlines, and Unix nanoseconds for message timestamps.</summary>
internal static class Clock
{
    private static readonly long TicksPerMs = Stopwatch.Frequency / 1000;

    /// <summary>Milliseconds of the high-resolution monotonic clock. Not <see cref="Environment.TickCount64"/>: on Linux
    /// that reads the coarse clock (one jiffy, 4 ms or more), which let a deferred message go out a few ms before its due
    /// time.</summary>
    public static long NowMs => Stopwatch.GetTimestamp() / TicksPerMs;

    public static long UnixNanos => (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100;

    public static long UnixSeconds => DateTimeOffset.UtcNow.ToUnixTimeSeconds();
}
