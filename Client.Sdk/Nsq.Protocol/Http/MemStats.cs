using System.Text.Json.Serialization;

namespace Nsq.Protocol.Http;

/// <summary>
/// Spec §3.3 <c>memory</c>: nsqd reports Go runtime values; a .NET broker maps its GC figures onto the same keys
/// (tools only display them).
/// </summary>
public sealed class MemStats
{
    [JsonPropertyName("heap_objects")] public ulong HeapObjects { get; set; }
    [JsonPropertyName("heap_idle_bytes")] public ulong HeapIdleBytes { get; set; }
    [JsonPropertyName("heap_in_use_bytes")] public ulong HeapInUseBytes { get; set; }
    [JsonPropertyName("heap_released_bytes")] public ulong HeapReleasedBytes { get; set; }
    [JsonPropertyName("gc_pause_usec_100")] public ulong GcPauseUsec100 { get; set; }
    [JsonPropertyName("gc_pause_usec_99")] public ulong GcPauseUsec99 { get; set; }
    [JsonPropertyName("gc_pause_usec_95")] public ulong GcPauseUsec95 { get; set; }
    [JsonPropertyName("next_gc_bytes")] public ulong NextGcBytes { get; set; }
    [JsonPropertyName("gc_total_runs")] public uint GcTotalRuns { get; set; }
}
