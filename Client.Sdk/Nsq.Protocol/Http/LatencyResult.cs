using System.Text.Json.Serialization;

namespace Nsq.Protocol.Http;

/// <summary>
/// Spec §3.3 <c>e2e_processing_latency</c> (nsqd's <c>quantile.Result</c>): publish→FIN latency percentiles in
/// nanoseconds. <see cref="Percentiles"/> is null when tracking is off (or, for a topic, when it has no channel).
/// </summary>
public sealed class LatencyResult
{
    /// <summary>The number of latency samples the percentiles were computed from.</summary>
    [JsonPropertyName("count")] public long Count { get; set; }
    /// <summary>The percentiles; null when latency tracking is off.</summary>
    [JsonPropertyName("percentiles")] public List<LatencyPercentile>? Percentiles { get; set; }
}

/// <summary>One percentile: <c>{"quantile":0.99,"value":17376341476}</c> (value in ns).</summary>
public sealed class LatencyPercentile
{
    /// <summary>The quantile, e.g. <c>0.99</c>.</summary>
    [JsonPropertyName("quantile")] public double Quantile { get; set; }
    /// <summary>The latency at that quantile, nanoseconds.</summary>
    [JsonPropertyName("value")] public double Value { get; set; }
}
