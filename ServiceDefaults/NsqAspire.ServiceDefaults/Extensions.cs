using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using NsqAspire.Daemon.Http;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

// Lives in the hosting namespace on purpose: every service gets AddServiceDefaults/MapDefaultEndpoints
// from its builder without an extra using.
namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What every NsqAspire process shares: OpenTelemetry (logs, metrics, traces), health checks, service discovery
/// and resilient HttpClients. Services call <see cref="AddServiceDefaults{TBuilder}"/> on their builder and
/// <see cref="MapDefaultEndpoints"/> on their app.
/// </summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>Liveness probe: answers as long as the process can serve HTTP at all.</summary>
    public const string AlivePath = "/alive";

    /// <summary>Readiness probe: runs every registered health check.</summary>
    public const string HealthPath = "/health";

    /// <summary>Prometheus scraping endpoint (text exposition format) of every metric the process records.</summary>
    public const string MetricsPath = "/metrics";

    /// <summary>Tag of the checks that <see cref="AlivePath"/> runs.</summary>
    public const string LiveTag = "live";

    /// <summary>Configuration key that records traces even without an OTLP endpoint (for an exporter of one's own, or a
    /// test's collector). By default spans are recorded only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.</summary>
    public const string TracingKey = "NsqAspire:Telemetry:Tracing";

    // Our own instrumentation names. Wildcards let each component pick a sub-name ("Nsqd.Topics",
    // "NsqAspire.Lookup", ...) without touching this file.
    private static readonly string[] s_telemetrySources = ["Nsqd", "Nsqd.*", "NsqAspire", "NsqAspire.*"];

    /// <summary>Adds telemetry, default health checks, service discovery and HttpClient resilience.</summary>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.AddDefaultTelemetry();
        builder.AddDefaultHealthChecks();

        builder.Services.AddServiceDiscovery();
        // nsqd calls nsqlookupd and the auth server over HTTP; retries, timeouts and name resolution
        // apply to every HttpClient made through the factory.
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });

        return builder;
    }

    /// <summary>OpenTelemetry for logs, metrics and traces, exported over OTLP when Aspire (or an operator) sets
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>.</summary>
    public static TBuilder AddDefaultTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        var telemetry = builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(s_telemetrySources)
                // Pull: Prometheus (or anything speaking its text format) scrapes MetricsPath; OTLP push stays as below.
                .AddPrometheusExporter());

        // Recording spans that nothing exports is pure cost on the message path (a span per publish and delivered batch,
        // a parsed link per message that carries a traceparent: measured as 30-50% of SDK throughput with headers), so
        // traces are recorded only when they go somewhere. Without an endpoint the exporter would also retry against
        // localhost:4317 forever.
        var exporting = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        if (exporting || builder.Configuration.GetValue<bool>(TracingKey))
        {
            telemetry.WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName)
                .AddSource(s_telemetrySources)
                .AddPollingAwareHttpInstrumentation(builder.Configuration.GetValue<bool>(PollingRequests.TracePollingKey)));
        }
        if (exporting) telemetry.UseOtlpExporter();

        return builder;
    }

    /// <summary>Registers the "self" check (tagged <see cref="LiveTag"/>) that the liveness probe runs.</summary>
    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);

        return builder;
    }

    /// <summary>Maps <c>/health</c> (all checks), <c>/alive</c> (live-tagged checks only) and <c>/metrics</c> (Prometheus). Mapped in every
    /// environment, not only Development: Aspire, orchestrators and NSQ operators all probe them.</summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);

        app.MapHealthChecks(HealthPath);
        app.MapHealthChecks(AlivePath, new HealthCheckOptions
        {
            Predicate = registration => registration.Tags.Contains(LiveTag),
        });
        app.MapPrometheusScrapingEndpoint(MetricsPath);

        return app;
    }

}
