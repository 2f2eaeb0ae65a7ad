namespace Nsq.Client.Hosting;

/// <summary>
/// Settings of the Aspire NSQ client integration, bound from <c>Nsq:Client:&lt;connectionName&gt;</c>; the connection
/// string comes from <c>ConnectionStrings:&lt;connectionName&gt;</c> when that is set. Producer and consumer options bind
/// from the <c>Producer</c> and <c>Consumer</c> subsections of the same section.
/// </summary>
public sealed class NsqClientSettings
{
    /// <summary>The NSQ connection string (see <see cref="NsqConnectionString"/> for the format).</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Leaves out the health checks.</summary>
    public bool DisableHealthChecks { get; set; }

    /// <summary>Leaves out the OpenTelemetry tracing registration of <see cref="NsqClientTelemetry.ActivitySourceName"/>.</summary>
    public bool DisableTracing { get; set; }

    /// <summary>Leaves out the OpenTelemetry metrics registration of <see cref="NsqClientTelemetry.MeterName"/>.</summary>
    public bool DisableMetrics { get; set; }

    /// <summary>How long one health check may take (null = the health check service's default).</summary>
    public TimeSpan? HealthCheckTimeout { get; set; }
}
