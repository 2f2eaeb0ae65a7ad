using Nsq.TestUtilities;
using Nsq.TestUtilities.Telemetry;
using Xunit.Abstractions;

namespace AppHost.Tests.Telemetry;

/// <summary>
/// Issue 12's "done when", checked on what the services really export: one sample order is one trace (the worker's
/// <c>send</c>, a broker's <c>PUB</c>, the worker's <c>process</c>; the broker's <c>deliver</c> links it), and no service
/// traces its probes, scrapes or polling.
/// </summary>
[Collection(TelemetryClusterFixture.Collection)]
public sealed class TraceTests(TelemetryClusterFixture cluster, ITestOutputHelper output) : IClassFixture<TelemetryClusterFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private static readonly string[] s_pollingPaths = ["/health", "/alive", "/ping", "/info", "/stats", "/metrics", "/lookup", "/nodes"];

    [Fact]
    public async Task A_sample_order_is_one_trace_from_send_through_PUB_to_process()
    {
        MessageTrace? found = null;
        await Poll.UntilAsync(() => Task.FromResult((found = FindMessageTrace(cluster.Receiver.Spans)) is not null),
            () => Task.FromResult("a trace with sample-worker's send, an nsqd's PUB and sample-worker's process; received: " + Describe(cluster.Receiver.Spans)),
            Timeout);

        var (send, pub, process) = found!;
        Assert.Equal(pub.TraceId, send.TraceId);
        Assert.Equal(send.SpanId, pub.ParentSpanId);
        Assert.Equal(send.TraceId, process.TraceId);
        Assert.True(process.ParentSpanId == send.SpanId || process.Links.Contains((send.TraceId, send.SpanId)),
            $"process {process.SpanId} is neither a child of send {send.SpanId} nor linked to it");
        Assert.StartsWith("nsqd", pub.Service, StringComparison.Ordinal);
        Assert.Empty(cluster.Receiver.Errors);

        // The broker's batch to the worker links the same context.
        await Poll.UntilAsync(() => cluster.Receiver.Spans.Any(s => s.Name == "deliver" && s.Links.Contains((send.TraceId, send.SpanId))),
            $"an nsqd deliver span linking send {send.SpanId}", Timeout);
        var deliver = cluster.Receiver.Spans.First(s => s.Name == "deliver" && s.Links.Contains((send.TraceId, send.SpanId)));
        output.WriteLine($"trace {send.TraceId}: {send.Service} '{send.Name}' {send.SpanId} <- {pub.Service} '{pub.Name}' {pub.SpanId} "
            + $"(parent {pub.ParentSpanId}); {process.Service} '{process.Name}' {process.SpanId} (parent {process.ParentSpanId}, "
            + $"links {string.Join(",", process.Links.Select(l => l.SpanId))}); {deliver.Service} 'deliver' links {string.Join(",", deliver.Links.Select(l => l.SpanId))}");
    }

    [Fact]
    public async Task No_service_traces_probes_scrapes_or_polling()
    {
        // Run long enough for every kind of polling to have happened: the lookup query before the worker's first message,
        // the admin's sampler (every 2 s), Aspire's health checks; then two more published orders and their batches.
        await Poll.UntilAsync(() => FindMessageTrace(cluster.Receiver.Spans) is not null, "the first sample order's trace", Timeout);
        var sends = cluster.Receiver.Spans.Count(IsSend);
        await Poll.UntilAsync(() => cluster.Receiver.Spans.Count(IsSend) >= sends + 2, "two more sample orders exported", Timeout);

        output.WriteLine("received: " + Describe(cluster.Receiver.Spans));
        var polling = cluster.Receiver.Spans.Where(IsPolling).ToList();
        Assert.True(polling.Count == 0, "polling spans: " + Describe(polling));
        Assert.Empty(cluster.Receiver.Errors);
    }

    private sealed record MessageTrace(ReceivedSpan Send, ReceivedSpan Pub, ReceivedSpan Process);

    private static bool IsSend(ReceivedSpan s) => s.Service == "sample-worker" && s.Name.StartsWith("send ", StringComparison.Ordinal);

    private static MessageTrace? FindMessageTrace(IReadOnlyList<ReceivedSpan> spans)
    {
        foreach (var send in spans.Where(IsSend))
        {
            var pub = spans.FirstOrDefault(s => s.Name == "PUB" && s.TraceId == send.TraceId && s.ParentSpanId == send.SpanId);
            var process = spans.FirstOrDefault(s => s.Service == "sample-worker" && s.Name.StartsWith("process ", StringComparison.Ordinal)
                && s.TraceId == send.TraceId);
            if (pub is not null && process is not null) return new MessageTrace(send, pub, process);
        }
        return null;
    }

    /// <summary>An HTTP span (server or client) of a polled endpoint: by its URL attributes, or by its name when the
    /// instrumentation put the route there.</summary>
    internal static bool IsPolling(ReceivedSpan span)
    {
        var path = span.Attributes.TryGetValue("url.path", out var p) ? p
            : span.Attributes.TryGetValue("url.full", out var full) && Uri.TryCreate(full, UriKind.Absolute, out var url) ? url.AbsolutePath
            : span.Attributes.TryGetValue("http.route", out var route) ? route
            : null;
        return s_pollingPaths.Any(polled => IsUnder(path, polled) || span.Name.EndsWith(" " + polled, StringComparison.Ordinal));
    }

    internal static bool IsUnder(string? path, string polled) =>
        path is not null && path.StartsWith(polled, StringComparison.OrdinalIgnoreCase) && (path.Length == polled.Length || path[polled.Length] == '/');

    internal static string Describe(IEnumerable<ReceivedSpan> spans) => string.Join("; ", spans
        .GroupBy(s => s.Service)
        .Select(g => $"{g.Key}: " + string.Join(", ", g.GroupBy(s => s.Attributes.TryGetValue("url.path", out var p) ? $"{s.Name} ({p})"
            : s.Attributes.TryGetValue("url.full", out var u) ? $"{s.Name} ({u})" : s.Name).Select(n => $"{n.Key} x{n.Count()}"))));
}
