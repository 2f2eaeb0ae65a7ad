using System.Text.Json.Serialization;

namespace Nsq.Protocol.Identify;

/// <summary>
/// Spec §2.5 IDENTIFY request body. Every field is optional; 0 means "server default" for the numeric ones, -1 has
/// field-specific meaning. Integers are 64-bit as in nsqd, so an out-of-range value is a range error, not a decode error. Unknown keys (clients still send <c>short_id</c>/<c>long_id</c>) are ignored.
/// </summary>
public sealed class IdentifyRequest
{
    [JsonPropertyName("client_id")] public string? ClientId { get; set; }
    [JsonPropertyName("hostname")] public string? Hostname { get; set; }
    [JsonPropertyName("user_agent")] public string? UserAgent { get; set; }
    [JsonPropertyName("feature_negotiation")] public bool FeatureNegotiation { get; set; }
    [JsonPropertyName("heartbeat_interval")] public long HeartbeatInterval { get; set; }
    [JsonPropertyName("output_buffer_size")] public long OutputBufferSize { get; set; }
    [JsonPropertyName("output_buffer_timeout")] public long OutputBufferTimeout { get; set; }
    [JsonPropertyName("tls_v1")] public bool TlsV1 { get; set; }
    [JsonPropertyName("snappy")] public bool Snappy { get; set; }
    [JsonPropertyName("deflate")] public bool Deflate { get; set; }
    [JsonPropertyName("deflate_level")] public long DeflateLevel { get; set; }
    [JsonPropertyName("sample_rate")] public long SampleRate { get; set; }
    [JsonPropertyName("msg_timeout")] public long MsgTimeout { get; set; }
    [JsonPropertyName("topology_region")] public string? TopologyRegion { get; set; }
    [JsonPropertyName("topology_zone")] public string? TopologyZone { get; set; }
}
