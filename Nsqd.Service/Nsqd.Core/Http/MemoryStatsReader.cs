using Nsq.Protocol.Http;

namespace Nsqd.Core.Http;

/// <summary>
/// Spec §3.3 <c>memory</c>: nsqd's Go runtime figures mapped onto the .NET GC's (tools only display them).
/// heap_objects has no .NET counterpart and stays 0; heap_released_bytes likewise. heap_in_use = the GC heap size less
/// fragmentation; heap_idle = committed but unused (committed − in use); next_gc = committed bytes; gc_pause_usec_* =
/// percentiles over the pauses of the last GC of each kind; gc_total_runs = gen0 collections (which counts every GC).
/// </summary>
internal static class MemoryStatsReader
{
    public static MemStats Read()
    {
        var info = GC.GetGCMemoryInfo(GCKind.Any);
        var inUse = (ulong)Math.Max(0, info.HeapSizeBytes - info.FragmentedBytes);
        var committed = (ulong)Math.Max(0, info.TotalCommittedBytes);
        var pauses = new List<ulong>();
        foreach (var kind in new[] { GCKind.Ephemeral, GCKind.FullBlocking, GCKind.Background })
        {
            var k = GC.GetGCMemoryInfo(kind);
            if (k.Index == 0) continue;
            foreach (var p in k.PauseDurations) if (p > TimeSpan.Zero) pauses.Add((ulong)(p.Ticks / 10));
        }
        pauses.Sort();
        return new MemStats
        {
            HeapObjects = 0,
            HeapIdleBytes = committed > inUse ? committed - inUse : 0,
            HeapInUseBytes = inUse,
            HeapReleasedBytes = 0,
            GcPauseUsec100 = Percentile(100, pauses),
            GcPauseUsec99 = Percentile(99, pauses),
            GcPauseUsec95 = Percentile(95, pauses),
            NextGcBytes = committed,
            GcTotalRuns = (uint)GC.CollectionCount(0),
        };
    }

    /// <summary>Nearest-rank on a sorted list, as nsqd computes its GC pause percentiles.</summary>
    private static ulong Percentile(double percent, List<ulong> sorted)
    {
        if (sorted.Count == 0) return 0;
        var index = (int)Math.Floor(percent / 100.0 * sorted.Count + 0.5);
        return sorted[Math.Min(index, sorted.Count - 1)];
    }
}
