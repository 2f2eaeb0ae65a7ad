namespace Nsqd.Core.Infrastructure;

/// <summary>Two clocks: a monotonic millisecond clock for deadlines, and Unix nanoseconds for message timestamps.</summary>
internal static class Clock
{
    public static long NowMs => Environment.TickCount64;

    public static long UnixNanos => (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100;

    public static long UnixSeconds => DateTimeOffset.UtcNow.ToUnixTimeSeconds();
}
