using System.Text.Json.Serialization;

namespace Nsq.Protocol.Http;

/// <summary>Spec §3.3: one channel in /stats (channels are sorted by name).</summary>
public sealed class ChannelStats
{
    /// <summary>The channel name.</summary>
    [JsonPropertyName("channel_name")] public string ChannelName { get; set; } = "";
    /// <summary>Messages waiting in the channel: in memory plus on disk.</summary>
    [JsonPropertyName("depth")] public long Depth { get; set; }
    /// <summary>Messages waiting in the channel's disk queue.</summary>
    [JsonPropertyName("backend_depth")] public long BackendDepth { get; set; }
    /// <summary>
    /// Not in nsqd: disk-queue segments in which damage was found since start (the queue went on with
    /// what was intact; docs/storage-format.md). Left out while zero, so the key set is nsqd's in the normal case.
    /// </summary>
    [JsonPropertyName("backend_bad_segments")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? BackendBadSegments { get; set; }
    /// <summary>
    /// Not in nsqd: disk-queue records lost to damage since start, found by the startup scan or by the reader
    /// (docs/storage-format.md). Left out while zero, so the key set is nsqd's in the normal case.
    /// </summary>
    [JsonPropertyName("backend_corrupt_records")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? BackendCorruptRecords { get; set; }
    /// <summary>
    /// Not in nsqd (docs/channel-policies.md): messages dead-lettered after <c>max_attempts</c> deliveries since start.
    /// Present only while <c>max_attempts</c> is set, so the key set is nsqd's for a channel without policies.
    /// </summary>
    [JsonPropertyName("dead_letter_count")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? DeadLetterCount { get; set; }
    /// <summary>Not in nsqd: messages older than <c>message_ttl_ms</c> removed since start; present only while it is set.</summary>
    [JsonPropertyName("expired_count")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? ExpiredCount { get; set; }
    /// <summary>Not in nsqd: messages removed beyond <c>max_depth</c> since start; present only while it is set.</summary>
    [JsonPropertyName("overflow_count")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? OverflowCount { get; set; }
    /// <summary>Messages sent to a consumer and not yet finished, requeued or timed out.</summary>
    [JsonPropertyName("in_flight_count")] public int InFlightCount { get; set; }
    /// <summary>Requeued (REQ with a delay) messages waiting for their time.</summary>
    [JsonPropertyName("deferred_count")] public int DeferredCount { get; set; }
    /// <summary>Messages put into this channel since start.</summary>
    [JsonPropertyName("message_count")] public long MessageCount { get; set; }
    /// <summary>Messages requeued (REQ) since start.</summary>
    [JsonPropertyName("requeue_count")] public long RequeueCount { get; set; }
    /// <summary>Messages whose in-flight timeout expired since start.</summary>
    [JsonPropertyName("timeout_count")] public long TimeoutCount { get; set; }
    /// <summary>Always present, also when <see cref="Clients"/> is left out.</summary>
    [JsonPropertyName("client_count")] public int ClientCount { get; set; }
    /// <summary>Empty when no client is subscribed; null with <c>include_clients=false</c>.</summary>
    [JsonPropertyName("clients")] public List<ClientStats>? Clients { get; set; }
    /// <summary>Whether the channel is paused (no messages delivered).</summary>
    [JsonPropertyName("paused")] public bool Paused { get; set; }
    /// <summary>Publish-to-FIN latency percentiles of this channel.</summary>
    [JsonPropertyName("e2e_processing_latency")] public LatencyResult E2eProcessingLatency { get; set; } = new();
}
