using System.Text.Json.Serialization;

namespace Nsq.Protocol.Http;

/// <summary>
/// Spec §3.3: <c>GET /stats?format=json</c>. <see cref="Topics"/> is null when a <c>topic=</c> filter names no topic
/// (an empty list otherwise); <see cref="Memory"/> is omitted with <c>include_mem=false</c>; <see cref="Producers"/> is
/// null when there are none or with <c>include_clients=false</c>.
/// </summary>
public sealed class StatsResponse
{
    /// <summary>The nsqd version.</summary>
    [JsonPropertyName("version")] public string Version { get; set; } = "";
    /// <summary><c>OK</c> or <c>NOK - &lt;error&gt;</c>.</summary>
    [JsonPropertyName("health")] public string Health { get; set; } = "";
    /// <summary>Unix seconds.</summary>
    [JsonPropertyName("start_time")] public long StartTime { get; set; }
    /// <summary>The topics, sorted by name; null when a <c>topic=</c> filter names no topic.</summary>
    [JsonPropertyName("topics")] public List<TopicStats>? Topics { get; set; }
    /// <summary>Memory and GC figures; left out with <c>include_mem=false</c>.</summary>
    [JsonPropertyName("memory")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public MemStats? Memory { get; set; }
    /// <summary>Clients that have published; null when there are none or with <c>include_clients=false</c>.</summary>
    [JsonPropertyName("producers")] public List<ClientStats>? Producers { get; set; }
}
