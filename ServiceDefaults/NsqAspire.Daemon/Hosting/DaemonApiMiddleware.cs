using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace NsqAspire.Daemon.Hosting;

/// <summary>How nsqd and nsqlookupd serve their hand-routed HTTP APIs beside endpoints a host maps.</summary>
public static class DaemonApiMiddleware
{
    /// <summary>
    /// Endpoints the host mapped (ServiceDefaults' /health and /alive, gRPC services) win; every other request goes to
    /// <paramref name="api"/>, which answers everything else itself (including its own 404s, in the daemon's format).
    /// </summary>
    public static void UseDaemonApi(this WebApplication app, Func<HttpContext, Task> api)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(api);
        app.Use(async (HttpContext context, RequestDelegate next) =>
        {
            if (context.GetEndpoint() is not null) await next(context).ConfigureAwait(false);
            else await api(context).ConfigureAwait(false);
        });
    }
}
