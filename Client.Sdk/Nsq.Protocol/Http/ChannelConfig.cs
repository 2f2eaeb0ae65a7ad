using System.Text.Json.Serialization;

namespace Nsq.Protocol.Http;

/// <summary>
/// Not in nsqd (docs/channel-policies.md): a channel's policies as <c>/channel/config</c> answers them. 0 or <c>""</c>
/// means off. The broker also keeps this object in <c>nsqd.dat</c> as the channel's <c>"config"</c>.
/// </summary>
public sealed class ChannelConfig
{
    /// <summary>Deliveries after which a requeued or timed-out message is dead-lettered; 0 = unlimited.</summary>
    [JsonPropertyName("max_attempts")] public int MaxAttempts { get; set; }
    /// <summary>Topic (on the same nsqd) that receives dead-lettered messages; <c>""</c> drops them.</summary>
    [JsonPropertyName("dead_letter_topic")] public string DeadLetterTopic { get; set; } = "";
    /// <summary>Messages older than this (from their publish time) are not delivered; 0 = no limit.</summary>
    [JsonPropertyName("message_ttl_ms")] public long MessageTtlMs { get; set; }
    /// <summary>Ready messages beyond this count are removed oldest first; 0 = no limit.</summary>
    [JsonPropertyName("max_depth")] public long MaxDepth { get; set; }
}

/// <summary>Not in nsqd: the answer of <c>GET /channel/peek</c>, the head of a channel's ready queue.</summary>
public sealed class ChannelPeekResponse
{
    /// <summary>The messages in queue order (memory first, then disk).</summary>
    [JsonPropertyName("messages")] public List<PeekedMessage> Messages { get; set; } = [];
}

/// <summary>One message seen by <c>/channel/peek</c>.</summary>
public sealed class PeekedMessage
{
    /// <summary>The message ID as clients see it (16 ASCII characters).</summary>
    [JsonPropertyName("id")] public string Id { get; set; } = "";
    /// <summary>Publish time, Unix nanoseconds.</summary>
    [JsonPropertyName("timestamp")] public long Timestamp { get; set; }
    /// <summary>Deliveries so far.</summary>
    [JsonPropertyName("attempts")] public int Attempts { get; set; }
    /// <summary>The body (base64 in JSON).</summary>
    [JsonPropertyName("body")] public byte[] Body { get; set; } = [];
}
