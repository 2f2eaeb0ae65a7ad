using System.Text.Json.Serialization;

namespace Nsq.Protocol.Http;

/// <summary>
/// Spec §3.2: nsqd's <c>GET /info</c>, keys in nsqd's order. Durations are Go <c>time.Duration</c>, i.e. nanoseconds;
/// <see cref="StartTime"/> is Unix seconds; the ports are the listening ports (−1 for a unix socket).
/// </summary>
public sealed class InfoResponse
{
    [JsonPropertyName("version")] public string Version { get; set; } = "";
    [JsonPropertyName("broadcast_address")] public string BroadcastAddress { get; set; } = "";
    [JsonPropertyName("hostname")] public string Hostname { get; set; } = "";
    [JsonPropertyName("http_port")] public int HttpPort { get; set; }
    [JsonPropertyName("tcp_port")] public int TcpPort { get; set; }
    [JsonPropertyName("start_time")] public long StartTime { get; set; }
    [JsonPropertyName("max_heartbeat_interval")] public long MaxHeartbeatInterval { get; set; }
    [JsonPropertyName("max_output_buffer_size")] public long MaxOutputBufferSize { get; set; }
    [JsonPropertyName("max_output_buffer_timeout")] public long MaxOutputBufferTimeout { get; set; }
    [JsonPropertyName("max_deflate_level")] public int MaxDeflateLevel { get; set; }
    [JsonPropertyName("topology_zone")] public string TopologyZone { get; set; } = "";
    [JsonPropertyName("topology_region")] public string TopologyRegion { get; set; } = "";
}
