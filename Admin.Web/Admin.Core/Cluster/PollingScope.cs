namespace Admin.Core.Cluster;

/// <summary>
/// Marks the cluster reads of the current async flow as polling: <see cref="ClusterClient"/> serves both the pages (a
/// user asked) and <see cref="Rates.StatsSampler"/>'s timer (nobody asked), and only the second kind should stay out of
/// traces (NsqAspire.Daemon.Http.PollingRequests).
/// </summary>
internal static class PollingScope
{
    private static readonly AsyncLocal<bool> s_active = new();

    /// <summary>Whether the current flow is inside <see cref="Enter"/>.</summary>
    public static bool IsActive => s_active.Value;

    /// <summary>Until the result is disposed, reads made from this flow (and the tasks it starts) are polling.</summary>
    public static Scope Enter()
    {
        s_active.Value = true;
        return default;
    }

    /// <summary>Ends the polling scope.</summary>
    public readonly struct Scope : IDisposable
    {
        public void Dispose() => s_active.Value = false;
    }
}
