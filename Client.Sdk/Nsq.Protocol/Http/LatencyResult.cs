using System.Text.Json.Serialization;

namespace Nsq.Protocol.Http;

/// <summary>
/// Spec §3.3 <c>e2e_processing_latency</c> (nsqd's <c>quantile.Result</c>): publish→FIN latency percentiles in
/// nanoseconds. <see cref="Percentiles"/> is null when tracking is off (or, for a topic, when it has no channel).
/// </summary>
public sealed class LatencyResult
{
    [JsonPropertyName("count")] public long Count { get; set; }
    [JsonPropertyName("percentiles")] public List<LatencyPercentile>? Percentiles { get; set; }
}

/// <summary>One percentile: <c>{"quantile":0.99,"value":17376341476}</c> (value in ns).</summary>
public sealed class LatencyPercentile
{
    [JsonPropertyName("quantile")] public double Quantile { get; set; }
    [JsonPropertyName("value")] public double Value { get; set; }
}
