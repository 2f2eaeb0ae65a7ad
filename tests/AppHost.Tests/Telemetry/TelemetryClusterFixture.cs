using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Nsq.TestUtilities.Telemetry;

namespace AppHost.Tests.Telemetry;

/// <summary>
/// The real AppHost under DCP with every service exporting its telemetry to an <see cref="OtlpReceiver"/> this test owns,
/// over OTLP/HTTP protobuf as they would to the Aspire dashboard. Nothing else changes: the same resources, the same
/// health checks, the same sampler and lookup polling.
/// </summary>
public class TelemetryClusterFixture : IAsyncLifetime
{
    /// <summary>The telemetry test classes boot a cluster each; one after the other, so that a 2-core machine does not
    /// start two AppHosts at once beside the other classes' (health checks time out under that load).</summary>
    public const string Collection = "AppHost telemetry";

    private readonly string _dataRoot = Path.Combine(Path.GetTempPath(), "nsqaspire-telemetry-" + Guid.NewGuid().ToString("N"));

    public OtlpReceiver Receiver { get; private set; } = null!;

    public DistributedApplication App { get; private set; } = null!;

    /// <summary>The project resources that export to <see cref="Receiver"/> (service.name = resource name).</summary>
    public IReadOnlyList<string> Services { get; private set; } = [];

    /// <summary>Sets <c>NsqAspire__Telemetry__TracePolling</c> on every service.</summary>
    protected virtual bool TracePolling => false;

    public async Task InitializeAsync()
    {
        Receiver = await OtlpReceiver.StartAsync();
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.NsqAspire_AppHost>(
            ["--DcpPublisher:WaitForResourceCleanup=false", $"--Nsq:DataRoot={_dataRoot}"]);
        var projects = builder.Resources.OfType<ProjectResource>().ToList();
        foreach (var project in projects)
        {
            // Added after the AppHost's own callbacks, so these win over whatever Aspire set for its dashboard.
            builder.CreateResourceBuilder(project).WithEnvironment(context =>
            {
                context.EnvironmentVariables["OTEL_EXPORTER_OTLP_ENDPOINT"] = Receiver.Endpoint.ToString().TrimEnd('/');
                context.EnvironmentVariables["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
                context.EnvironmentVariables["OTEL_EXPORTER_OTLP_HEADERS"] = "";
                context.EnvironmentVariables["OTEL_SERVICE_NAME"] = project.Name;
                context.EnvironmentVariables["OTEL_TRACES_SAMPLER"] = "parentbased_always_on";
                // Batches leave every 200 ms instead of 5 s: the test waits on spans, not on the clock.
                context.EnvironmentVariables["OTEL_BSP_SCHEDULE_DELAY"] = "200";
                if (TracePolling) context.EnvironmentVariables["NsqAspire__Telemetry__TracePolling"] = "true";
            });
        }
        Services = [.. projects.Select(p => p.Name)];
        App = await builder.BuildAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await App.StartAsync(cts.Token);
        await App.ResourceNotifications.WaitForResourceHealthyAsync("sample-worker", cts.Token);
    }

    public async Task DisposeAsync()
    {
        if (App is not null) await App.DisposeAsync();
        if (Receiver is not null) await Receiver.DisposeAsync();
        try { Directory.Delete(_dataRoot, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>As <see cref="TelemetryClusterFixture"/>, with polling traced again on every service.</summary>
public sealed class TracePollingClusterFixture : TelemetryClusterFixture
{
    protected override bool TracePolling => true;
}
