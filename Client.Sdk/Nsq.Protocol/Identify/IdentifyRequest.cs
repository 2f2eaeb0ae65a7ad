using System.Text.Json.Serialization;

namespace Nsq.Protocol.Identify;

/// <summary>
/// Spec §2.5 IDENTIFY request body. Every field is optional; 0 means "server default" for the numeric ones, -1 has
/// field-specific meaning. Integers are 64-bit as in nsqd, so an out-of-range value is a range error, not a decode error. Unknown keys (clients still send <c>short_id</c>/<c>long_id</c>) are ignored.
/// </summary>
public sealed class IdentifyRequest
{
    /// <summary>An identifier of the client, shown in nsqd's /stats.</summary>
    [JsonPropertyName("client_id")] public string? ClientId { get; set; }
    /// <summary>The client's host name, shown in nsqd's /stats.</summary>
    [JsonPropertyName("hostname")] public string? Hostname { get; set; }
    /// <summary>The client library and version, e.g. <c>go-nsq/1.1.0</c>.</summary>
    [JsonPropertyName("user_agent")] public string? UserAgent { get; set; }
    /// <summary>Asks nsqd to answer with the negotiated features as JSON (<see cref="IdentifyResponse"/>) instead of <c>OK</c>.</summary>
    [JsonPropertyName("feature_negotiation")] public bool FeatureNegotiation { get; set; }
    /// <summary>Milliseconds between heartbeats; -1 disables them.</summary>
    [JsonPropertyName("heartbeat_interval")] public long HeartbeatInterval { get; set; }
    /// <summary>Bytes nsqd buffers before writing to the client; -1 disables buffering.</summary>
    [JsonPropertyName("output_buffer_size")] public long OutputBufferSize { get; set; }
    /// <summary>Milliseconds after which nsqd flushes what it has buffered; -1 disables the timeout.</summary>
    [JsonPropertyName("output_buffer_timeout")] public long OutputBufferTimeout { get; set; }
    /// <summary>Asks to upgrade the connection to TLS after the IDENTIFY response.</summary>
    [JsonPropertyName("tls_v1")] public bool TlsV1 { get; set; }
    /// <summary>Asks for snappy compression.</summary>
    [JsonPropertyName("snappy")] public bool Snappy { get; set; }
    /// <summary>Asks for deflate compression.</summary>
    [JsonPropertyName("deflate")] public bool Deflate { get; set; }
    /// <summary>The deflate level asked for (1 to nsqd's maximum).</summary>
    [JsonPropertyName("deflate_level")] public long DeflateLevel { get; set; }
    /// <summary>Deliver only this percentage of the channel's messages to this client (1-99; 0: all).</summary>
    [JsonPropertyName("sample_rate")] public long SampleRate { get; set; }
    /// <summary>The in-flight timeout for messages sent to this client, milliseconds.</summary>
    [JsonPropertyName("msg_timeout")] public long MsgTimeout { get; set; }
    /// <summary>The client's topology region.</summary>
    [JsonPropertyName("topology_region")] public string? TopologyRegion { get; set; }
    /// <summary>The client's topology zone.</summary>
    [JsonPropertyName("topology_zone")] public string? TopologyZone { get; set; }
    /// <summary>
    /// The message headers extension version asked for (docs/message-headers.md); 0 or absent: none. Only honoured
    /// with <see cref="FeatureNegotiation"/>, since the answer comes in the JSON response.
    /// </summary>
    [JsonPropertyName("message_headers")] public long MessageHeaders { get; set; }
}
