using System.Text.Json.Serialization;

namespace Nsq.Protocol.Http;

/// <summary>
/// Spec §3.3 <c>memory</c>: nsqd reports Go runtime values; a .NET broker maps its GC figures onto the same keys
/// (tools only display them).
/// </summary>
public sealed class MemStats
{
    /// <summary>Objects allocated on the heap.</summary>
    [JsonPropertyName("heap_objects")] public ulong HeapObjects { get; set; }
    /// <summary>Heap bytes not in use.</summary>
    [JsonPropertyName("heap_idle_bytes")] public ulong HeapIdleBytes { get; set; }
    /// <summary>Heap bytes in use.</summary>
    [JsonPropertyName("heap_in_use_bytes")] public ulong HeapInUseBytes { get; set; }
    /// <summary>Heap bytes returned to the operating system.</summary>
    [JsonPropertyName("heap_released_bytes")] public ulong HeapReleasedBytes { get; set; }
    /// <summary>The longest recent GC pause, microseconds.</summary>
    [JsonPropertyName("gc_pause_usec_100")] public ulong GcPauseUsec100 { get; set; }
    /// <summary>The 99th percentile of recent GC pauses, microseconds.</summary>
    [JsonPropertyName("gc_pause_usec_99")] public ulong GcPauseUsec99 { get; set; }
    /// <summary>The 95th percentile of recent GC pauses, microseconds.</summary>
    [JsonPropertyName("gc_pause_usec_95")] public ulong GcPauseUsec95 { get; set; }
    /// <summary>The heap size at which the next GC runs, bytes.</summary>
    [JsonPropertyName("next_gc_bytes")] public ulong NextGcBytes { get; set; }
    /// <summary>GC runs since start.</summary>
    [JsonPropertyName("gc_total_runs")] public uint GcTotalRuns { get; set; }
}
