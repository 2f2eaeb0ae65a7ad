using System.Diagnostics;
using System.Globalization;

namespace NsqAspire.Tools.Commands.Bench;

/// <summary>
/// The live view for a person watching: every interval one line on stderr (never stdout, which scripts parse) with the
/// time since the start, the running total and the rate over the last interval, e.g.
/// <c>[writer] 3.0s msgs=1200000 rate=401234/s</c>. Ends when the run's stop signal is set.
/// </summary>
internal static class BenchProgress
{
    /// <summary>Starts the loop (a completed task when <paramref name="interval"/> is zero); it never throws.</summary>
    public static Task RunAsync(string role, string unit, WorkerStats[] stats, long start, TimeSpan interval, StopSignal stop)
        => interval > TimeSpan.Zero ? Task.Run(() => LoopAsync(role, unit, stats, start, interval, stop)) : Task.CompletedTask;

    private static async Task LoopAsync(string role, string unit, WorkerStats[] stats, long start, TimeSpan interval, StopSignal stop)
    {
        using var timer = new PeriodicTimer(interval);
        long lastCount = 0;
        var lastTime = start;
        try
        {
            while (await timer.WaitForNextTickAsync(stop.Token).ConfigureAwait(false))
            {
                var now = Stopwatch.GetTimestamp();
                var count = Sum(stats);
                var seconds = (now - lastTime) / (double)Stopwatch.Frequency;
                var rate = seconds > 0 ? (count - lastCount) / seconds : 0;
                await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"[{role}] {(now - start) / (double)Stopwatch.Frequency:F1}s {unit}={count} rate={rate:F0}/s")).ConfigureAwait(false);
                (lastCount, lastTime) = (count, now);
            }
        }
        catch (OperationCanceledException)
        {
            // The run ended.
        }
    }

    /// <summary>The workers' running total (each writes its own counter; this only reads).</summary>
    public static long Sum(WorkerStats[] stats)
    {
        long total = 0;
        foreach (var s in stats) total += Volatile.Read(ref s.Messages);
        return total;
    }
}
