namespace NsqAspire.Daemon.Http;

/// <summary>
/// Which HTTP traffic is polling (probes, scrapes, timer-driven reads) rather than work a user asked for. ServiceDefaults
/// leaves it out of traces unless <see cref="TracePollingKey"/> is true: a cluster polls every few seconds, and those
/// spans would bury the few traces that matter (docs/apphost.md, "Traces").
/// </summary>
public static class PollingRequests
{
    /// <summary>The <see cref="HttpRequestMessage.Options"/> key that marks an outgoing request as polling. The SDK sets
    /// the same name without referencing this assembly, so the string is the contract.</summary>
    public const string OptionName = "NsqAspire.Polling";

    /// <summary>Configuration key (<c>NsqAspire__Telemetry__TracePolling</c> in the environment) that traces polling again.</summary>
    public const string TracePollingKey = "NsqAspire:Telemetry:TracePolling";

    /// <summary>The typed form of <see cref="OptionName"/>.</summary>
    public static readonly HttpRequestOptionsKey<bool> Option = new(OptionName);

    // The endpoints orchestrators, nsqadmin, Prometheus and load balancers call on a timer, whoever serves them.
    private static readonly string[] s_pollingPaths = ["/health", "/alive", "/ping", "/info", "/stats", "/metrics"];

    /// <summary>Marks <paramref name="request"/> as polling.</summary>
    public static HttpRequestMessage MarkPolling(this HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Options.Set(Option, true);
        return request;
    }

    /// <summary>Whether <paramref name="request"/> carries the polling mark.</summary>
    public static bool IsMarkedPolling(HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Options.TryGetValue(Option, out var polling) && polling;
    }

    /// <summary>Whether <paramref name="path"/> (no query string) is one of the polled endpoints or below one of them;
    /// case-insensitive, as ASP.NET Core routes.</summary>
    public static bool IsPollingPath(string? path)
    {
        if (string.IsNullOrEmpty(path)) return false;
        foreach (var p in s_pollingPaths)
        {
            if (path.StartsWith(p, StringComparison.OrdinalIgnoreCase) && (path.Length == p.Length || path[p.Length] == '/'))
            {
                return true;
            }
        }
        return false;
    }
}
