using System.Text.Json.Serialization;

namespace Nsq.Protocol.Lookup;

/// <summary>Spec §6.2: the IDENTIFY body nsqd sends to nsqlookupd (all four of version, tcp_port, http_port and
/// broadcast_address are required by lookupd).</summary>
public sealed class LookupIdentifyRequest
{
    /// <summary>The nsqd version.</summary>
    [JsonPropertyName("version")] public string? Version { get; set; }
    /// <summary>The nsqd's TCP (NSQ protocol) port.</summary>
    [JsonPropertyName("tcp_port")] public int TcpPort { get; set; }
    /// <summary>The nsqd's HTTP port.</summary>
    [JsonPropertyName("http_port")] public int HttpPort { get; set; }
    /// <summary>The host name of the nsqd machine.</summary>
    [JsonPropertyName("hostname")] public string? Hostname { get; set; }
    /// <summary>The address the nsqd advertises, which consumers connect to.</summary>
    [JsonPropertyName("broadcast_address")] public string? BroadcastAddress { get; set; }
    /// <summary>The nsqd's topology zone; empty when not set.</summary>
    [JsonPropertyName("topology_zone")] public string TopologyZone { get; set; } = "";
    /// <summary>The nsqd's topology region; empty when not set.</summary>
    [JsonPropertyName("topology_region")] public string TopologyRegion { get; set; } = "";
}

/// <summary>Spec §6.2: nsqlookupd's IDENTIFY response.</summary>
public sealed class LookupIdentifyResponse
{
    /// <summary>The address nsqlookupd advertises.</summary>
    [JsonPropertyName("broadcast_address")] public string BroadcastAddress { get; set; } = "";
    /// <summary>The host name of the nsqlookupd machine.</summary>
    [JsonPropertyName("hostname")] public string Hostname { get; set; } = "";
    /// <summary>nsqlookupd's HTTP port.</summary>
    [JsonPropertyName("http_port")] public int HttpPort { get; set; }
    /// <summary>nsqlookupd's TCP port.</summary>
    [JsonPropertyName("tcp_port")] public int TcpPort { get; set; }
    /// <summary>The nsqlookupd version.</summary>
    [JsonPropertyName("version")] public string Version { get; set; } = "";
}

/// <summary>Spec §6.1 PeerInfo, as <c>/lookup</c> and <c>/nodes</c> return it (key order as nsqlookupd).</summary>
public class PeerInfo
{
    /// <summary>The address the nsqd's connection to nsqlookupd came from (<c>ip:port</c>).</summary>
    [JsonPropertyName("remote_address")] public string RemoteAddress { get; set; } = "";
    /// <summary>The host name of the nsqd machine.</summary>
    [JsonPropertyName("hostname")] public string Hostname { get; set; } = "";
    /// <summary>The address the nsqd advertises, which consumers connect to.</summary>
    [JsonPropertyName("broadcast_address")] public string BroadcastAddress { get; set; } = "";
    /// <summary>The nsqd's TCP (NSQ protocol) port.</summary>
    [JsonPropertyName("tcp_port")] public int TcpPort { get; set; }
    /// <summary>The nsqd's HTTP port.</summary>
    [JsonPropertyName("http_port")] public int HttpPort { get; set; }
    /// <summary>The nsqd version.</summary>
    [JsonPropertyName("version")] public string Version { get; set; } = "";
    /// <summary>The nsqd's topology zone; empty when not set.</summary>
    [JsonPropertyName("topology_zone")] public string TopologyZone { get; set; } = "";
    /// <summary>The nsqd's topology region; empty when not set.</summary>
    [JsonPropertyName("topology_region")] public string TopologyRegion { get; set; } = "";
}

/// <summary><c>GET /lookup?topic=</c>: <c>{"channels":[...],"producers":[PeerInfo...]}</c>; producers is [] when empty.</summary>
public sealed class LookupResponse
{
    /// <summary>The topic's channels.</summary>
    [JsonPropertyName("channels")] public List<string> Channels { get; set; } = [];
    /// <summary>The nsqd nodes that have the topic; empty (never null) when none.</summary>
    [JsonPropertyName("producers")] public List<PeerInfo> Producers { get; set; } = [];
}

/// <summary><c>GET /topics</c></summary>
public sealed class TopicsResponse
{
    /// <summary>Every topic registered.</summary>
    [JsonPropertyName("topics")] public List<string> Topics { get; set; } = [];
}

/// <summary><c>GET /channels?topic=</c></summary>
public sealed class ChannelsResponse
{
    /// <summary>The channels of the topic.</summary>
    [JsonPropertyName("channels")] public List<string> Channels { get; set; } = [];
}

/// <summary>A <c>/nodes</c> entry: PeerInfo plus the producer's topics and the aligned tombstone flags.</summary>
public sealed class NodeInfo : PeerInfo
{
    // Derived members serialize before inherited ones unless ordered: nsqlookupd writes these two last.
    /// <summary>One flag per entry of <see cref="Topics"/>: whether the producer is tombstoned for that topic.</summary>
    [JsonPropertyName("tombstones"), JsonPropertyOrder(1)] public List<bool> Tombstones { get; set; } = [];
    /// <summary>The topics this nsqd has.</summary>
    [JsonPropertyName("topics"), JsonPropertyOrder(2)] public List<string> Topics { get; set; } = [];
}

/// <summary><c>GET /nodes</c></summary>
public sealed class NodesResponse
{
    /// <summary>Every nsqd registered.</summary>
    [JsonPropertyName("producers")] public List<NodeInfo> Producers { get; set; } = [];
}

/// <summary><c>GET /info</c> of nsqlookupd.</summary>
public sealed class LookupInfoResponse
{
    /// <summary>The nsqlookupd version.</summary>
    [JsonPropertyName("version")] public string Version { get; set; } = "";
}

/// <summary>Source-generated JSON for the lookup protocol and HTTP API.</summary>
[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = true)]
[JsonSerializable(typeof(LookupIdentifyRequest))]
[JsonSerializable(typeof(LookupIdentifyResponse))]
[JsonSerializable(typeof(LookupResponse))]
[JsonSerializable(typeof(TopicsResponse))]
[JsonSerializable(typeof(ChannelsResponse))]
[JsonSerializable(typeof(NodesResponse))]
[JsonSerializable(typeof(LookupInfoResponse))]
public sealed partial class LookupJsonContext : JsonSerializerContext;
