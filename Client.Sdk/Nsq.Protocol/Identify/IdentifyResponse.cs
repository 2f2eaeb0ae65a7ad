using System.Text.Json.Serialization;

namespace Nsq.Protocol.Identify;

/// <summary>
/// Spec §2.5: the IDENTIFY response when <c>feature_negotiation</c> is true. Keys in nsqd's order; the boolean features
/// are the negotiated ones (asked by the client and allowed by the server).
/// </summary>
public sealed class IdentifyResponse
{
    /// <summary>The largest RDY count nsqd accepts.</summary>
    [JsonPropertyName("max_rdy_count")] public long MaxRdyCount { get; set; }
    /// <summary>The nsqd version.</summary>
    [JsonPropertyName("version")] public string Version { get; set; } = "";
    /// <summary>The longest <c>msg_timeout</c> a client may ask for, milliseconds.</summary>
    [JsonPropertyName("max_msg_timeout")] public long MaxMsgTimeout { get; set; }
    /// <summary>The in-flight timeout in effect for this client, milliseconds.</summary>
    [JsonPropertyName("msg_timeout")] public long MsgTimeout { get; set; }
    /// <summary>Whether the connection is upgraded to TLS after this response.</summary>
    [JsonPropertyName("tls_v1")] public bool TlsV1 { get; set; }
    /// <summary>Whether deflate compression is on.</summary>
    [JsonPropertyName("deflate")] public bool Deflate { get; set; }
    /// <summary>The deflate level in effect.</summary>
    [JsonPropertyName("deflate_level")] public int DeflateLevel { get; set; }
    /// <summary>The highest deflate level nsqd allows.</summary>
    [JsonPropertyName("max_deflate_level")] public int MaxDeflateLevel { get; set; }
    /// <summary>Whether snappy compression is on.</summary>
    [JsonPropertyName("snappy")] public bool Snappy { get; set; }
    /// <summary>The sample rate in effect (0: every message).</summary>
    [JsonPropertyName("sample_rate")] public int SampleRate { get; set; }
    /// <summary>Whether the client must send AUTH before anything else.</summary>
    [JsonPropertyName("auth_required")] public bool AuthRequired { get; set; }
    /// <summary>The output buffer size in effect, bytes.</summary>
    [JsonPropertyName("output_buffer_size")] public int OutputBufferSize { get; set; }
    /// <summary>The output buffer timeout in effect, milliseconds.</summary>
    [JsonPropertyName("output_buffer_timeout")] public long OutputBufferTimeout { get; set; }
    /// <summary>The topology region of this nsqd; empty when not set.</summary>
    [JsonPropertyName("topology_region")] public string TopologyRegion { get; set; } = "";
    /// <summary>The topology zone of this nsqd; empty when not set.</summary>
    [JsonPropertyName("topology_zone")] public string TopologyZone { get; set; } = "";
    /// <summary>
    /// The message headers extension version in use (0: off), present only when the client asked for it: null keeps
    /// the key out of the JSON, so a client that did not ask gets byte-identical responses to nsqd's.
    /// </summary>
    [JsonPropertyName("message_headers")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? MessageHeaders { get; set; }
}
