using System.Runtime.CompilerServices;

namespace Nsqd.Core.Lookup;

/// <summary>
/// Internal tuning of the lookupd peers (no nsqd flag). Attached to an <see cref="NsqdOptions"/> instance so a test can
/// shorten the intervals for its own broker only: <c>LookupSettings.For(options).PingInterval = ...</c>.
/// </summary>
internal sealed class LookupSettings
{
    private static readonly ConditionalWeakTable<NsqdOptions, LookupSettings> s_byOptions = new();

    /// <summary>nsqd pings every lookupd every 15 s (refreshes the producer's lastUpdate on lookupd).</summary>
    public TimeSpan PingInterval { get; set; } = TimeSpan.FromSeconds(15);
    /// <summary>nsqd's dial timeout.</summary>
    public TimeSpan DialTimeout { get; set; } = TimeSpan.FromSeconds(1);
    /// <summary>nsqd's per-command read/write deadline.</summary>
    public TimeSpan IoTimeout { get; set; } = TimeSpan.FromSeconds(1);
    /// <summary>First reconnect delay; doubles (with jitter) up to <see cref="ReconnectMaxDelay"/>.</summary>
    public TimeSpan ReconnectMinDelay { get; set; } = TimeSpan.FromMilliseconds(100);
    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(15);
    /// <summary>
    /// Commands (REGISTER/UNREGISTER) waiting per peer. When full the command is dropped and the peer reconnects,
    /// which makes lookupd forget this producer and re-sends the full REGISTER set: nothing is lost, nobody blocks.
    /// </summary>
    public int QueueCapacity { get; set; } = 1024;

    public static LookupSettings For(NsqdOptions options) => s_byOptions.GetValue(options, _ => new LookupSettings());
}

/// <summary>One queued notification for lookupd: <c>REGISTER</c> or <c>UNREGISTER</c> of a topic or a channel.</summary>
internal readonly record struct LookupCommand(bool Register, string Topic, string? Channel)
{
    public override string ToString() => $"{(Register ? "REGISTER" : "UNREGISTER")} {Topic}{(Channel is null ? "" : " " + Channel)}";
}
