using System.Text.Json.Serialization;

namespace Nsq.Protocol.Http;

/// <summary>
/// Spec §3.3: a TCP client in /stats — a channel's consumer, or a producer (any client that has published; then
/// <see cref="PubCounts"/> is set). The optional keys are omitted when empty, as nsqd's <c>omitempty</c>.
/// </summary>
public sealed class ClientStats
{
    /// <summary>The <c>client_id</c> the client sent in IDENTIFY.</summary>
    [JsonPropertyName("client_id")] public string ClientId { get; set; } = "";
    /// <summary>The <c>hostname</c> the client sent in IDENTIFY.</summary>
    [JsonPropertyName("hostname")] public string Hostname { get; set; } = "";
    /// <summary>Protocol version, <c>V2</c>.</summary>
    [JsonPropertyName("version")] public string Version { get; set; } = "";
    /// <summary><c>ip:port</c> (<c>[ip]:port</c> for IPv6).</summary>
    [JsonPropertyName("remote_address")] public string RemoteAddress { get; set; } = "";
    /// <summary>0 init, 3 subscribed, 4 closing.</summary>
    [JsonPropertyName("state")] public int State { get; set; }
    /// <summary>The client's current RDY count.</summary>
    [JsonPropertyName("ready_count")] public long ReadyCount { get; set; }
    /// <summary>Messages sent to this client and not yet finished, requeued or timed out.</summary>
    [JsonPropertyName("in_flight_count")] public long InFlightCount { get; set; }
    /// <summary>Messages sent to this client since it connected.</summary>
    [JsonPropertyName("message_count")] public long MessageCount { get; set; }
    /// <summary>Messages this client finished (FIN).</summary>
    [JsonPropertyName("finish_count")] public long FinishCount { get; set; }
    /// <summary>Messages this client requeued (REQ).</summary>
    [JsonPropertyName("requeue_count")] public long RequeueCount { get; set; }
    /// <summary>Unix seconds.</summary>
    [JsonPropertyName("connect_ts")] public long ConnectTs { get; set; }
    /// <summary>The sample rate the client asked for in IDENTIFY (percent of messages delivered; 0: all).</summary>
    [JsonPropertyName("sample_rate")] public int SampleRate { get; set; }
    /// <summary>Whether the connection uses deflate compression.</summary>
    [JsonPropertyName("deflate")] public bool Deflate { get; set; }
    /// <summary>Whether the connection uses snappy compression.</summary>
    [JsonPropertyName("snappy")] public bool Snappy { get; set; }
    /// <summary>The <c>user_agent</c> the client sent in IDENTIFY.</summary>
    [JsonPropertyName("user_agent")] public string UserAgent { get; set; } = "";

    /// <summary>Whether the client has authenticated (AUTH); left out when null.</summary>
    [JsonPropertyName("authed")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? Authed { get; set; }
    /// <summary>The identity the auth server returned for the client; left out when null.</summary>
    [JsonPropertyName("auth_identity")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? AuthIdentity { get; set; }
    /// <summary>The URL about that identity the auth server returned; left out when null.</summary>
    [JsonPropertyName("auth_identity_url")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? AuthIdentityUrl { get; set; }

    /// <summary>The topology zone the client sent in IDENTIFY; empty when not set.</summary>
    [JsonPropertyName("topology_zone")] public string TopologyZone { get; set; } = "";
    /// <summary>The topology region the client sent in IDENTIFY; empty when not set.</summary>
    [JsonPropertyName("topology_region")] public string TopologyRegion { get; set; } = "";

    /// <summary>Per-topic publish counts; set for a client that has published, left out when null.</summary>
    [JsonPropertyName("pub_counts")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<PubCount>? PubCounts { get; set; }

    /// <summary>Whether the connection uses TLS.</summary>
    [JsonPropertyName("tls")] public bool Tls { get; set; }
    /// <summary>Cipher suite name, empty without TLS.</summary>
    [JsonPropertyName("tls_cipher_suite")] public string TlsCipherSuite { get; set; } = "";
    /// <summary><c>TLS1.0</c> … <c>TLS1.3</c>, empty without TLS.</summary>
    [JsonPropertyName("tls_version")] public string TlsVersion { get; set; } = "";
    /// <summary>The application protocol negotiated during the TLS handshake (ALPN); empty when none.</summary>
    [JsonPropertyName("tls_negotiated_protocol")] public string TlsNegotiatedProtocol { get; set; } = "";
    /// <summary>Whether that application protocol was negotiated mutually.</summary>
    [JsonPropertyName("tls_negotiated_protocol_is_mutual")] public bool TlsNegotiatedProtocolIsMutual { get; set; }
}

/// <summary>A producer's publish count for one topic.</summary>
public sealed class PubCount
{
    /// <summary>The topic published to.</summary>
    [JsonPropertyName("topic")] public string Topic { get; set; } = "";
    /// <summary>Messages this client published to the topic.</summary>
    [JsonPropertyName("count")] public long Count { get; set; }
}
