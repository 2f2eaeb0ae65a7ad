using System.Text.Json.Serialization;

namespace Nsq.Protocol.Http;

/// <summary>Spec §3.3: one topic in /stats (topics are sorted by name).</summary>
public sealed class TopicStats
{
    /// <summary>The topic name.</summary>
    [JsonPropertyName("topic_name")] public string TopicName { get; set; } = "";
    /// <summary>Sorted by name; empty (never null) when the topic has no channel.</summary>
    [JsonPropertyName("channels")] public List<ChannelStats> Channels { get; set; } = [];
    /// <summary>Memory + backend.</summary>
    [JsonPropertyName("depth")] public long Depth { get; set; }
    /// <summary>Messages waiting in the topic's disk queue.</summary>
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
    /// <summary>Messages published since start (not persisted).</summary>
    [JsonPropertyName("message_count")] public long MessageCount { get; set; }
    /// <summary>Body bytes published since start.</summary>
    [JsonPropertyName("message_bytes")] public long MessageBytes { get; set; }
    /// <summary>Whether the topic is paused (messages stay in the topic, none go to its channels).</summary>
    [JsonPropertyName("paused")] public bool Paused { get; set; }
    /// <summary>Publish-to-FIN latency percentiles over the topic's channels.</summary>
    [JsonPropertyName("e2e_processing_latency")] public LatencyResult E2eProcessingLatency { get; set; } = new();
}
