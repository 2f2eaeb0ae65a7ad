namespace Lookup.Core.Grpc;

/// <summary>
/// Settings of the gRPC topology stream. The two timeouts must be the lookup server's own
/// (<c>--inactive-producer-timeout</c>, <c>--tombstone-lifetime</c>, spec §6.4) so the stream shows what <c>/lookup</c> shows.
/// </summary>
public sealed record TopologyOptions
{
    /// <summary>Producers whose last IDENTIFY/PING is older are hidden (nsqlookupd default 5 min).</summary>
    public TimeSpan InactiveProducerTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a tombstone hides a producer (nsqlookupd default 45 s).</summary>
    public TimeSpan TombstoneLifetime { get; init; } = TimeSpan.FromSeconds(45);

    /// <summary>Changes arriving within this window after the first one are coalesced into one snapshot.</summary>
    public TimeSpan Debounce { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// A stream also re-reads its topic this often even without a change event (a PING that revives an inactive producer
    /// need not raise one). Nothing is sent when the state is unchanged.
    /// </summary>
    public TimeSpan ResyncInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Clock for the liveness filter; tests may substitute one.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>The stream's options with the lookup server's two timeouts.</summary>
    public static TopologyOptions From(LookupOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new TopologyOptions
        {
            InactiveProducerTimeout = options.InactiveProducerTimeout,
            TombstoneLifetime = options.TombstoneLifetime,
        };
    }
}
