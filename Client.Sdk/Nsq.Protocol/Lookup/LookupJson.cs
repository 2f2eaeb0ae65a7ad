using System.Text.Json.Serialization;

namespace Nsq.Protocol.Lookup;

/// <summary>Spec §6.2: the IDENTIFY body nsqd sends to nsqlookupd (all four of version, tcp_port, http_port and
/// broadcast_address are required by lookupd).</summary>
public sealed class LookupIdentifyRequest
{
    [JsonPropertyName("version")] public string? Version { get; set; }
    [JsonPropertyName("tcp_port")] public int TcpPort { get; set; }
    [JsonPropertyName("http_port")] public int HttpPort { get; set; }
    [JsonPropertyName("hostname")] public string? Hostname { get; set; }
    [JsonPropertyName("broadcast_address")] public string? BroadcastAddress { get; set; }
    [JsonPropertyName("topology_zone")] public string TopologyZone { get; set; } = "";
    [JsonPropertyName("topology_region")] public string TopologyRegion { get; set; } = "";
}

/// <summary>Spec §6.2: nsqlookupd's IDENTIFY response.</summary>
public sealed class LookupIdentifyResponse
{
    [JsonPropertyName("broadcast_address")] public string BroadcastAddress { get; set; } = "";
    [JsonPropertyName("hostname")] public string Hostname { get; set; } = "";
    [JsonPropertyName("http_port")] public int HttpPort { get; set; }
    [JsonPropertyName("tcp_port")] public int TcpPort { get; set; }
    [JsonPropertyName("version")] public string Version { get; set; } = "";
}

/// <summary>Spec §6.1 PeerInfo, as <c>/lookup</c> and <c>/nodes</c> return it (key order as nsqlookupd).</summary>
public class PeerInfo
{
    [JsonPropertyName("remote_address")] public string RemoteAddress { get; set; } = "";
    [JsonPropertyName("hostname")] public string Hostname { get; set; } = "";
    [JsonPropertyName("broadcast_address")] public string BroadcastAddress { get; set; } = "";
    [JsonPropertyName("tcp_port")] public int TcpPort { get; set; }
    [JsonPropertyName("http_port")] public int HttpPort { get; set; }
    [JsonPropertyName("version")] public string Version { get; set; } = "";
    [JsonPropertyName("topology_zone")] public string TopologyZone { get; set; } = "";
    [JsonPropertyName("topology_region")] public string TopologyRegion { get; set; } = "";
}

/// <summary><c>GET /lookup?topic=</c>: <c>{"channels":[...],"producers":[PeerInfo...]}</c>; producers is [] when empty.</summary>
public sealed class LookupResponse
{
    [JsonPropertyName("channels")] public List<string> Channels { get; set; } = [];
    [JsonPropertyName("producers")] public List<PeerInfo> Producers { get; set; } = [];
}

/// <summary><c>GET /topics</c></summary>
public sealed class TopicsResponse
{
    [JsonPropertyName("topics")] public List<string> Topics { get; set; } = [];
}

/// <summary><c>GET /channels?topic=</c></summary>
public sealed class ChannelsResponse
{
    [JsonPropertyName("channels")] public List<string> Channels { get; set; } = [];
}

/// <summary>A <c>/nodes</c> entry: PeerInfo plus the producer's topics and the aligned tombstone flags.</summary>
public sealed class NodeInfo : PeerInfo
{
    // Derived members serialize before inherited ones unless ordered: nsqlookupd writes these two last.
    [JsonPropertyName("tombstones"), JsonPropertyOrder(1)] public List<bool> Tombstones { get; set; } = [];
    [JsonPropertyName("topics"), JsonPropertyOrder(2)] public List<string> Topics { get; set; } = [];
}

/// <summary><c>GET /nodes</c></summary>
public sealed class NodesResponse
{
    [JsonPropertyName("producers")] public List<NodeInfo> Producers { get; set; } = [];
}

/// <summary><c>GET /info</c> of nsqlookupd.</summary>
public sealed class LookupInfoResponse
{
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
