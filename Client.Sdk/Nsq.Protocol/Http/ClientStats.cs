using System.Text.Json.Serialization;

namespace Nsq.Protocol.Http;

/// <summary>
/// Spec §3.3: a TCP client in /stats — a channel's consumer, or a producer (any client that has published; then
/// <see cref="PubCounts"/> is set). The optional keys are omitted when empty, as nsqd's <c>omitempty</c>.
/// </summary>
public sealed class ClientStats
{
    [JsonPropertyName("client_id")] public string ClientId { get; set; } = "";
    [JsonPropertyName("hostname")] public string Hostname { get; set; } = "";
    /// <summary>Protocol version, <c>V2</c>.</summary>
    [JsonPropertyName("version")] public string Version { get; set; } = "";
    /// <summary><c>ip:port</c> (<c>[ip]:port</c> for IPv6).</summary>
    [JsonPropertyName("remote_address")] public string RemoteAddress { get; set; } = "";
    /// <summary>0 init, 3 subscribed, 4 closing.</summary>
    [JsonPropertyName("state")] public int State { get; set; }
    [JsonPropertyName("ready_count")] public long ReadyCount { get; set; }
    [JsonPropertyName("in_flight_count")] public long InFlightCount { get; set; }
    [JsonPropertyName("message_count")] public long MessageCount { get; set; }
    [JsonPropertyName("finish_count")] public long FinishCount { get; set; }
    [JsonPropertyName("requeue_count")] public long RequeueCount { get; set; }
    /// <summary>Unix seconds.</summary>
    [JsonPropertyName("connect_ts")] public long ConnectTs { get; set; }
    [JsonPropertyName("sample_rate")] public int SampleRate { get; set; }
    [JsonPropertyName("deflate")] public bool Deflate { get; set; }
    [JsonPropertyName("snappy")] public bool Snappy { get; set; }
    [JsonPropertyName("user_agent")] public string UserAgent { get; set; } = "";

    [JsonPropertyName("authed")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? Authed { get; set; }
    [JsonPropertyName("auth_identity")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? AuthIdentity { get; set; }
    [JsonPropertyName("auth_identity_url")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? AuthIdentityUrl { get; set; }

    [JsonPropertyName("topology_zone")] public string TopologyZone { get; set; } = "";
    [JsonPropertyName("topology_region")] public string TopologyRegion { get; set; } = "";

    [JsonPropertyName("pub_counts")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<PubCount>? PubCounts { get; set; }

    [JsonPropertyName("tls")] public bool Tls { get; set; }
    /// <summary>Cipher suite name, empty without TLS.</summary>
    [JsonPropertyName("tls_cipher_suite")] public string TlsCipherSuite { get; set; } = "";
    /// <summary><c>TLS1.0</c> … <c>TLS1.3</c>, empty without TLS.</summary>
    [JsonPropertyName("tls_version")] public string TlsVersion { get; set; } = "";
    [JsonPropertyName("tls_negotiated_protocol")] public string TlsNegotiatedProtocol { get; set; } = "";
    [JsonPropertyName("tls_negotiated_protocol_is_mutual")] public bool TlsNegotiatedProtocolIsMutual { get; set; }
}

/// <summary>A producer's publish count for one topic.</summary>
public sealed class PubCount
{
    [JsonPropertyName("topic")] public string Topic { get; set; } = "";
    [JsonPropertyName("count")] public long Count { get; set; }
}
