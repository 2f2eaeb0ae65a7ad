using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace NsqAspire.Tools.Commands.Bench;

/// <summary>
/// <c>nsq bench --mode=latency</c>: the latency comparison's load program in go-nsq's write pattern
/// (<c>client=nsq-gopattern</c>). The consumer subscribes first; the publisher then sends <c>--rate</c> msg/s for
/// <c>--warmup</c> + <c>--duration</c>; the consumer counts deliveries sent in the <c>--duration</c> window, waiting up
/// to 5 s after the last publish for the rest. One <c>[latency]</c> line on stdout, the shape every load program of
/// the comparison prints.
/// </summary>
internal static class LatencyBench
{
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The wall clock as Unix nanoseconds: what the body carries, so that other programs could read it too.</summary>
    public static long UnixNanoseconds() => (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100;

    public static void Validate(BenchOptions o)
    {
        if (o.Rate <= 0) throw new ArgumentException("--rate required (msg/s, positive)");
        if (o.Batch <= 0) throw new ArgumentException("--batch must be positive");
        if (o.MaxInFlight <= 0) throw new ArgumentException("--max-in-flight must be positive");
        if (o.Size < sizeof(long)) throw new ArgumentException("--size must be at least 8 (the body starts with the send time)");
        if (o.Duration <= TimeSpan.Zero) throw new ArgumentException("--duration must be positive");
        if (o.Warmup < TimeSpan.Zero) throw new ArgumentException("--warmup must not be negative");
    }

    public static async Task<int> RunAsync(BenchOptions o, EndPoint endPoint, CancellationToken interrupt)
    {
        using var consumer = await LatencyConsumer.SubscribeAsync(o, endPoint, interrupt).ConfigureAwait(false);
        var mpubSize = 5 + System.Text.Encoding.UTF8.GetMaxByteCount(o.Topic.Length) + 1 + 8 + o.Batch * (4 + o.Size);
        using var publisher = await NsqConnection.ConnectAsync(endPoint, 4096, mpubSize + 4096, interrupt).ConfigureAwait(false);
        publisher.WriteHandshake("latency_publisher");
        await publisher.FlushAsync().ConfigureAwait(false);
        await publisher.ExpectOkAsync("IDENTIFY").ConfigureAwait(false);

        using var stop = new StopSignal(interrupt);
        var start = Stopwatch.GetTimestamp();
        var windowStartNs = UnixNanoseconds() + (long)(o.Warmup.TotalMilliseconds * 1_000_000);
        var windowEndNs = windowStartNs + (long)(o.Duration.TotalMilliseconds * 1_000_000);
        var consuming = Task.Run(() => consumer.RunAsync(windowStartNs, windowEndNs, o.MaxInFlight, stop));
        LatencyPublisher.Published published;
        try
        {
            published = await Task.Run(() => LatencyPublisher.RunAsync(publisher, o, start, windowStartNs, windowEndNs, stop)).ConfigureAwait(false);
            await WaitForDeliveriesAsync(consumer, published.InWindow, consuming, stop).ConfigureAwait(false);
        }
        finally
        {
            stop.Set();
            consumer.Dispose();
        }
        await consuming.ConfigureAwait(false);

        var windowStart = start + (long)(o.Warmup.TotalSeconds * Stopwatch.Frequency);
        var elapsed = Math.Max(0, (published.End - windowStart) / (double)Stopwatch.Frequency);
        var h = consumer.Histogram;
        var line = string.Create(CultureInfo.InvariantCulture,
            $"[latency] client=nsq-gopattern rate={o.Rate} msgs={consumer.Delivered} elapsed_s={elapsed:F3} p50_ms={Ms(h.ValueAt(0.50)):F3} p99_ms={Ms(h.ValueAt(0.99)):F3} p999_ms={Ms(h.ValueAt(0.999)):F3} max_ms={Ms(h.MaxNs):F3} errors={consumer.Errors}");
        await Console.Out.WriteLineAsync(line).ConfigureAwait(false);
        await Console.Out.FlushAsync().ConfigureAwait(false);
        if (consumer.FirstError is { } error) await Console.Error.WriteLineAsync($"[latency] first error: {error}").ConfigureAwait(false);
        return 0;
    }

    private static double Ms(long ns) => ns / 1e6;

    /// <summary>Up to 5 s for the window's messages still in flight (a poll: the consumer's count is a plain counter).</summary>
    private static async Task WaitForDeliveriesAsync(LatencyConsumer consumer, long expected, Task consuming, StopSignal stop)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(DrainTimeout.TotalSeconds * Stopwatch.Frequency);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
        while (consumer.Delivered < expected && !consuming.IsCompleted && !stop.IsSet && Stopwatch.GetTimestamp() < deadline)
            await timer.WaitForNextTickAsync(CancellationToken.None).ConfigureAwait(false);
    }
}
