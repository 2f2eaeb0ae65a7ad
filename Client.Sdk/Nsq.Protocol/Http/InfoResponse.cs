using System.Text.Json.Serialization;

namespace Nsq.Protocol.Http;

/// <summary>
/// Spec §3.2: nsqd's <c>GET /info</c>, keys in nsqd's order. Durations are Go <c>time.Duration</c>, i.e. nanoseconds;
/// <see cref="StartTime"/> is Unix seconds; the ports are the listening ports (−1 for a unix socket).
/// </summary>
public sealed class InfoResponse
{
    /// <summary>The nsqd version.</summary>
    [JsonPropertyName("version")] public string Version { get; set; } = "";
    /// <summary>The address nsqd advertises to nsqlookupd, which consumers connect to.</summary>
    [JsonPropertyName("broadcast_address")] public string BroadcastAddress { get; set; } = "";
    /// <summary>The host name of the nsqd machine.</summary>
    [JsonPropertyName("hostname")] public string Hostname { get; set; } = "";
    /// <summary>The HTTP listening port.</summary>
    [JsonPropertyName("http_port")] public int HttpPort { get; set; }
    /// <summary>The TCP (NSQ protocol) listening port.</summary>
    [JsonPropertyName("tcp_port")] public int TcpPort { get; set; }
    /// <summary>When nsqd started, Unix seconds.</summary>
    [JsonPropertyName("start_time")] public long StartTime { get; set; }
    /// <summary>The longest heartbeat interval a client may ask for in IDENTIFY, nanoseconds.</summary>
    [JsonPropertyName("max_heartbeat_interval")] public long MaxHeartbeatInterval { get; set; }
    /// <summary>The largest output buffer a client may ask for in IDENTIFY, bytes.</summary>
    [JsonPropertyName("max_output_buffer_size")] public long MaxOutputBufferSize { get; set; }
    /// <summary>The longest output buffer timeout a client may ask for in IDENTIFY, nanoseconds.</summary>
    [JsonPropertyName("max_output_buffer_timeout")] public long MaxOutputBufferTimeout { get; set; }
    /// <summary>The highest deflate level a client may ask for in IDENTIFY.</summary>
    [JsonPropertyName("max_deflate_level")] public int MaxDeflateLevel { get; set; }
    /// <summary>The topology zone of this nsqd; empty when not set.</summary>
    [JsonPropertyName("topology_zone")] public string TopologyZone { get; set; } = "";
    /// <summary>The topology region of this nsqd; empty when not set.</summary>
    [JsonPropertyName("topology_region")] public string TopologyRegion { get; set; } = "";
}
