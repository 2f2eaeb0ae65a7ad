using Nsq.Protocol.Http;

namespace Nsqd.Core.Topics;

/// <summary>
/// A channel's policies (docs/channel-policies.md), immutable: a change swaps the whole record, so the delivery paths
/// read one consistent set under the channel lock. 0 or <c>""</c> turns a setting off.
/// </summary>
internal sealed record ChannelPolicy(int MaxAttempts, string DeadLetterTopic, long MessageTtlMs, long MaxDepth)
{
    public static readonly ChannelPolicy Off = new(0, "", 0, 0);

    public bool IsOff => MaxAttempts == 0 && DeadLetterTopic.Length == 0 && MessageTtlMs == 0 && MaxDepth == 0;

    /// <summary>From the JSON shape; a JSON null topic (nsqd.dat edited by hand) counts as none.</summary>
    public static ChannelPolicy From(ChannelConfig c) => new(c.MaxAttempts, c.DeadLetterTopic ?? "", c.MessageTtlMs, c.MaxDepth);

    public ChannelConfig ToConfig() => new()
    {
        MaxAttempts = MaxAttempts,
        DeadLetterTopic = DeadLetterTopic,
        MessageTtlMs = MessageTtlMs,
        MaxDepth = MaxDepth,
    };

    /// <summary>The error of docs/channel-policies.md for a value out of range, or null when every value is valid.</summary>
    public string? Validate(string ownTopic)
    {
        if (MaxAttempts is < 0 or > ushort.MaxValue) return "INVALID_MAX_ATTEMPTS";
        if (DeadLetterTopic.Length > 0 && (!Nsq.Protocol.Names.IsValid(DeadLetterTopic) || DeadLetterTopic == ownTopic))
            return "INVALID_DEAD_LETTER_TOPIC";
        if (MessageTtlMs < 0) return "INVALID_MESSAGE_TTL_MS";
        if (MaxDepth < 0) return "INVALID_MAX_DEPTH";
        return null;
    }
}
