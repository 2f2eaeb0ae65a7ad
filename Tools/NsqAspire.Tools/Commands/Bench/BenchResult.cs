using System.Diagnostics;
using System.Globalization;
using NsqAspire.Daemon.CommandLine;

namespace NsqAspire.Tools.Commands.Bench;

/// <summary>Per-connection counters, written by its worker and read by the run's monitor.</summary>
internal sealed class WorkerStats
{
    public long Messages;
    public long Errors;
    public string? FirstError;
}

/// <summary>
/// Set once when the run should end (its time is up, or Ctrl+C): workers poll <see cref="IsSet"/> between round trips,
/// waits observe <see cref="Token"/>.
/// </summary>
internal sealed class StopSignal : IDisposable
{
    private readonly CancellationTokenSource _cts;

    /// <summary>A signal that <paramref name="interrupt"/> (the tool's Ctrl+C token) also sets.</summary>
    public StopSignal(CancellationToken interrupt) => _cts = CancellationTokenSource.CreateLinkedTokenSource(interrupt);

    public bool IsSet => _cts.IsCancellationRequested;

    public CancellationToken Token => _cts.Token;

    public void Set() => _cts.Cancel();

    public void Dispose() => _cts.Dispose();
}

/// <summary>GC counters and process CPU time around a run, to show what the load tool itself costs per message.</summary>
internal readonly struct GcSnapshot
{
    private GcSnapshot(long allocated, int gen0, int gen1, int gen2, TimeSpan cpu)
    {
        Cpu = cpu;
        Allocated = allocated;
        Gen0 = gen0;
        Gen1 = gen1;
        Gen2 = gen2;
    }

    /// <summary>User plus kernel CPU time of the whole load tool process (every thread).</summary>
    public TimeSpan Cpu { get; }
    public long Allocated { get; }
    public int Gen0 { get; }
    public int Gen1 { get; }
    public int Gen2 { get; }

    public static GcSnapshot Take() => new(GC.GetTotalAllocatedBytes(precise: true), GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), Environment.CpuUsage.TotalTime);

    /// <summary>What happened between <paramref name="before"/> and this snapshot.</summary>
    public GcSnapshot Since(GcSnapshot before)
        => new(Allocated - before.Allocated, Gen0 - before.Gen0, Gen1 - before.Gen1, Gen2 - before.Gen2, Cpu - before.Cpu);
}

/// <summary>One run's outcome and the two lines it prints.</summary>
internal sealed record BenchResult(string Role, BenchOptions Options, long Messages, long ElapsedNs, GcSnapshot Gc, long Errors, string? FirstError)
{
    public static long ElapsedNanoseconds(long startTimestamp, long endTimestamp)
        => (long)((endTimestamp - startTimestamp) * (1_000_000_000.0 / Stopwatch.Frequency));

    public double Seconds => ElapsedNs / 1e9;
    public double OpsPerSecond => Seconds > 0 ? Messages / Seconds : 0;
    public double MegabytesPerSecond => Seconds > 0 ? Messages * (double)Options.Size / Seconds / 1024 / 1024 : 0;

    /// <summary>bench_writer's / bench_reader's line: <c>duration: &lt;d&gt; - &lt;MB/s&gt;mb/s - &lt;ops/s&gt;ops/s - &lt;us/op&gt;us/op</c>.</summary>
    public string DurationLine()
    {
        // As in Go: float64(duration/time.Microsecond)/float64(count), +Inf when nothing moved.
        var usPerOp = Messages > 0 ? (ElapsedNs / 1000) / (double)Messages : double.PositiveInfinity;
        var us = double.IsPositiveInfinity(usPerOp) ? "+Inf" : usPerOp.ToString("F3", CultureInfo.InvariantCulture);
        return string.Create(CultureInfo.InvariantCulture,
            $"duration: {GoDuration.Format(ElapsedNs)} - {MegabytesPerSecond:F3}mb/s - {OpsPerSecond:F3}ops/s - {us}us/op");
    }

    /// <summary>A <c>key=value</c> summary (bench.sh reads <c>ops_per_sec</c> from it).</summary>
    public string SummaryLine()
    {
        var o = Options;
        var perMsg = Messages > 0 ? Gc.Allocated / (double)Messages : 0;
        var cpuUs = Messages > 0 ? Gc.Cpu.TotalMicroseconds / Messages : 0;
        var shape = Role == "writer"
            ? string.Create(CultureInfo.InvariantCulture, $"size={o.Size} batch={o.BatchSize} pipeline={o.Pipeline}")
            : string.Create(CultureInfo.InvariantCulture, $"size={o.Size} rdy={o.Rdy} channel={o.Channel}");
        var line = string.Create(CultureInfo.InvariantCulture,
            $"[{Role}] msgs={Messages} elapsed_s={Seconds:F3} ops_per_sec={OpsPerSecond:F0} mb_per_sec={MegabytesPerSecond:F3} connections={o.Connections} topic={o.Topic} {shape} client_alloc_bytes_per_msg={perMsg:F2} client_cpu_us_per_msg={cpuUs:F3} client_gc={Gc.Gen0}/{Gc.Gen1}/{Gc.Gen2} errors={Errors}");
        return FirstError is null ? line : $"{line} first_error=\"{FirstError}\"";
    }
}
