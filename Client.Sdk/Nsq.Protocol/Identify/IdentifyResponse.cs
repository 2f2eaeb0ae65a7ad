using System.Text.Json.Serialization;

namespace Nsq.Protocol.Identify;

/// <summary>
/// Spec §2.5: the IDENTIFY response when <c>feature_negotiation</c> is true. Keys in nsqd's order; the boolean features
/// are the negotiated ones (asked by the client and allowed by the server).
/// </summary>
public sealed class IdentifyResponse
{
    [JsonPropertyName("max_rdy_count")] public long MaxRdyCount { get; set; }
    [JsonPropertyName("version")] public string Version { get; set; } = "";
    [JsonPropertyName("max_msg_timeout")] public long MaxMsgTimeout { get; set; }
    [JsonPropertyName("msg_timeout")] public long MsgTimeout { get; set; }
    [JsonPropertyName("tls_v1")] public bool TlsV1 { get; set; }
    [JsonPropertyName("deflate")] public bool Deflate { get; set; }
    [JsonPropertyName("deflate_level")] public int DeflateLevel { get; set; }
    [JsonPropertyName("max_deflate_level")] public int MaxDeflateLevel { get; set; }
    [JsonPropertyName("snappy")] public bool Snappy { get; set; }
    [JsonPropertyName("sample_rate")] public int SampleRate { get; set; }
    [JsonPropertyName("auth_required")] public bool AuthRequired { get; set; }
    [JsonPropertyName("output_buffer_size")] public int OutputBufferSize { get; set; }
    [JsonPropertyName("output_buffer_timeout")] public long OutputBufferTimeout { get; set; }
    [JsonPropertyName("topology_region")] public string TopologyRegion { get; set; } = "";
    [JsonPropertyName("topology_zone")] public string TopologyZone { get; set; } = "";
}
