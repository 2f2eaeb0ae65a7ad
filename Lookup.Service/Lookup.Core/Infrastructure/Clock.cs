namespace Lookup.Core.Infrastructure;

/// <summary>Unix nanoseconds, the unit of <see cref="Registry.ProducerRecord"/> times (Go's <c>time.Now().UnixNano()</c>).</summary>
internal static class Clock
{
    public static long NowNs(TimeProvider time) => (time.GetUtcNow().UtcTicks - DateTime.UnixEpoch.Ticks) * 100;

    public static long ToNs(TimeSpan span) => span.Ticks * 100;
}
