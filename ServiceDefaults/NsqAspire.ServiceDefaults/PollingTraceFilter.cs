using System.Globalization;
using NsqAspire.Daemon.Http;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// HTTP tracing without the polling: probes, scrapes and timer-driven reads arrive every few seconds from every service
/// and would bury the traces of real work in the dashboard. What counts as polling is <see cref="PollingRequests"/>.
/// </summary>
internal static class PollingTraceFilter
{
    private const string TraceParent = "traceparent";

    /// <summary>ASP.NET Core and HttpClient instrumentation; with <paramref name="tracePolling"/> nothing is filtered.</summary>
    public static TracerProviderBuilder AddPollingAwareHttpInstrumentation(this TracerProviderBuilder tracing, bool tracePolling)
    {
        if (tracePolling) return tracing.AddAspNetCoreInstrumentation().AddHttpClientInstrumentation();

        return tracing
            // Path only: a probe's query string (/stats?format=json) does not make it work.
            .AddAspNetCoreInstrumentation(aspNetCore => aspNetCore.Filter = context => !PollingRequests.IsPollingPath(context.Request.Path.Value))
            .AddHttpClientInstrumentation(http => http.FilterHttpRequestMessage = Keep);
    }

    private static bool Keep(HttpRequestMessage request)
    {
        if (!IsPolling(request)) return true;
        Unsample(request);
        return false;
    }

    private static bool IsPolling(HttpRequestMessage request) =>
        PollingRequests.IsMarkedPolling(request)
        || request.RequestUri is { IsAbsoluteUri: true } uri && PollingRequests.IsPollingPath(uri.AbsolutePath);

    /// <summary>
    /// Clears the sampled flag of the traceparent the handler already wrote (it injects before the filter runs), so the
    /// callee's parent-based sampler drops its server span too: a lookup poll (<c>/lookup</c>, <c>/nodes</c>) leaves
    /// no span on either side. Without this the callee would record a span whose parent is never exported.
    /// </summary>
    private static void Unsample(HttpRequestMessage request)
    {
        if (!request.Headers.TryGetValues(TraceParent, out var values)) return;
        var value = values.FirstOrDefault();
        // version-traceid-parentid-flags: 2 + 1 + 32 + 1 + 16 + 1 + 2 characters.
        if (value is not { Length: 55 } || value[52] != '-'
            || !byte.TryParse(value.AsSpan(53), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var flags))
        {
            return;
        }
        request.Headers.Remove(TraceParent);
        request.Headers.TryAddWithoutValidation(TraceParent, string.Concat(value.AsSpan(0, 53), (flags & ~1).ToString("x2", CultureInfo.InvariantCulture)));
    }
}
