using System.Collections.Concurrent;
using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Admin.Web.Tests.Telemetry;

/// <summary>
/// What a host's TracerProvider would export: the spans reach this exporter only when recorded, exactly like the OTLP
/// exporter behind them. Added to a ServiceDefaults host with <see cref="AddTo"/>.
/// </summary>
internal sealed class SpanCollector : BaseExporter<Activity>
{
    private readonly ConcurrentQueue<Activity> _spans = new();

    public IReadOnlyList<Activity> Spans => [.. _spans];

    public void AddTo(TracerProviderBuilder tracing) => tracing.AddProcessor(new SimpleActivityExportProcessor(this));

    /// <summary>The spans (client or server) of HTTP requests to <paramref name="port"/> whose path is <paramref name="path"/>.</summary>
    public IReadOnlyList<Activity> Requests(int port, string path) => [.. Spans.Where(a => Is(a, port, path))];

    public override ExportResult Export(in Batch<Activity> batch)
    {
        foreach (var activity in batch) _spans.Enqueue(activity);
        return ExportResult.Success;
    }

    private static bool Is(Activity a, int port, string path)
    {
        // Client spans carry the whole URL; server spans the path and the Host header's port.
        if (a.GetTagItem("url.full") is string full && Uri.TryCreate(full, UriKind.Absolute, out var url))
        {
            return url.Port == port && url.AbsolutePath == path;
        }
        return a.GetTagItem("url.path") as string == path && Convert.ToInt32(a.GetTagItem("server.port"), System.Globalization.CultureInfo.InvariantCulture) == port;
    }
}
