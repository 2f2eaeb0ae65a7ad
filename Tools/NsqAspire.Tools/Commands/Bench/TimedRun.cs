using System.Diagnostics;

namespace NsqAspire.Tools.Commands.Bench;

/// <summary>
/// The measured part every connection-based bench shares: wait for <c>--deadline</c>, take the GC snapshot, start the
/// clock, one worker per connection on the thread pool and the live progress line. The bench decides when its run
/// ends and reads the totals.
/// </summary>
/// <param name="Stop">Set to ask the workers to finish their round trip and end (Ctrl+C sets it too).</param>
/// <param name="GcBefore">The GC counters at the start.</param>
/// <param name="Start">The <see cref="Stopwatch"/> timestamp the measurement starts at (every connection is ready by then).</param>
/// <param name="Workers">Completes when every worker has ended.</param>
internal sealed record TimedRun(StopSignal Stop, GcSnapshot GcBefore, long Start, Task Workers) : IDisposable
{
    public static async Task<TimedRun> StartAsync<TConnection>(string role, BenchOptions o, TConnection[] connections,
        WorkerStats[] stats, Func<TConnection, WorkerStats, StopSignal, Task> worker, CancellationToken interrupt)
    {
        await BenchRunner.WaitForDeadlineAsync(o, interrupt).ConfigureAwait(false);

        var stop = new StopSignal(interrupt);
        var gcBefore = GcSnapshot.Take();
        var start = Stopwatch.GetTimestamp();
        var workers = new Task[connections.Length];
        for (var i = 0; i < workers.Length; i++)
        {
            var (c, s) = (connections[i], stats[i]);
            workers[i] = Task.Run(() => worker(c, s, stop));
        }
        _ = BenchProgress.RunAsync(role, "msgs", stats, start, o.EffectiveProgress, stop);
        return new TimedRun(stop, gcBefore, start, Task.WhenAll(workers));
    }

    /// <summary>Waits until every worker has ended, <c>--runfor</c> has passed or Ctrl+C; then asks them to stop.</summary>
    public async Task StopAfterRunForAsync(BenchOptions o)
    {
        try
        {
            await Workers.WaitAsync(o.RunFor, Stop.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            // Time is up (or the run was interrupted): the workers finish their round trip.
        }
        Stop.Set();
    }

    /// <summary>
    /// The run's result: <paramref name="messages"/> (the workers' sum when null) over <see cref="Start"/> to
    /// <paramref name="end"/>, with the workers' errors and the first error message.
    /// </summary>
    public BenchResult Result(string role, BenchOptions o, WorkerStats[] stats, long end, GcSnapshot gc, long? messages = null)
    {
        long sum = 0, errors = 0;
        string? firstError = null;
        foreach (var s in stats)
        {
            sum += s.Messages;
            errors += s.Errors;
            firstError ??= s.FirstError;
        }
        return new BenchResult(role, o, messages ?? sum, BenchResult.ElapsedNanoseconds(Start, end), gc, errors, firstError);
    }

    public void Dispose() => Stop.Dispose();
}
