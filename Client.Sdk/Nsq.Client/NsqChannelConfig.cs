namespace Nsq.Client;

/// <summary>
/// A channel's policies as nsqd holds them (docs/channel-policies.md); every one is off (0, <c>""</c>) by default.
/// </summary>
public sealed record NsqChannelConfig
{
    /// <summary>Deliveries after which a requeued or timed-out message is dead-lettered by the broker (0 = no limit).</summary>
    public int MaxAttempts { get; init; }

    /// <summary>The topic (on the same nsqd) that dead-lettered, expired and overflowing messages go to; <c>""</c>: they are dropped.</summary>
    public string DeadLetterTopic { get; init; } = "";

    /// <summary>Age (from the publish time) after which a message is never delivered from the channel; zero = off.</summary>
    public TimeSpan MessageTtl { get; init; }

    /// <summary>Ready messages above which the oldest are removed from the channel (0 = no limit).</summary>
    public long MaxDepth { get; init; }
}

/// <summary>
/// The settings to change with <see cref="NsqdAdminClient.SetChannelConfigAsync"/>: null leaves a setting as it is,
/// 0 (or <c>""</c>, <see cref="TimeSpan.Zero"/>) turns it off.
/// </summary>
public sealed record NsqChannelConfigUpdate
{
    /// <summary>See <see cref="NsqChannelConfig.MaxAttempts"/>.</summary>
    public int? MaxAttempts { get; init; }

    /// <summary>See <see cref="NsqChannelConfig.DeadLetterTopic"/>.</summary>
    public string? DeadLetterTopic { get; init; }

    /// <summary>See <see cref="NsqChannelConfig.MessageTtl"/>; sent in whole milliseconds.</summary>
    public TimeSpan? MessageTtl { get; init; }

    /// <summary>See <see cref="NsqChannelConfig.MaxDepth"/>.</summary>
    public long? MaxDepth { get; init; }
}
