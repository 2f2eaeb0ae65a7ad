using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Nsq.TestUtilities;
using NsqAspire.Daemon.Http;

namespace Admin.Web.Tests.Telemetry;

/// <summary>
/// ServiceDefaults' HTTP tracing leaves polling out (docs/apphost.md, "Traces"): probes and scrapes coming in, requests
/// to them and requests marked <c>NsqAspire.Polling</c> going out; <c>NsqAspire:Telemetry:TracePolling=true</c> traces
/// them again. A real Kestrel host, called over the loopback by this process (whose HttpClient spans the host's
/// TracerProvider sees as well).
/// </summary>
public sealed class PollingTraceTests
{
    private static readonly string[] s_probes = ["/health", "/alive", "/ping", "/info", "/stats", "/metrics"];

    [Fact]
    public async Task Probes_and_marked_polls_make_no_span_and_a_normal_request_does()
    {
        var spans = new SpanCollector();
        await using var app = await StartAsync(spans, tracePolling: null);
        var port = new Uri(app.Urls.First()).Port;

        await CallEverythingAsync(port);

        // Server spans end after the response; wait for the normal request's pair, then look at everything else.
        await Poll.UntilAsync(() => spans.Requests(port, "/work").Count == 2, "client and server span of /work", TimeSpan.FromSeconds(10));
        foreach (var probe in s_probes) Assert.Empty(spans.Requests(port, probe));
        // Marked: no client span, and its unsampled traceparent keeps the server from recording one.
        Assert.Empty(spans.Requests(port, "/lookup"));
    }

    [Fact]
    public async Task TracePolling_true_traces_probes_and_marked_polls_again()
    {
        var spans = new SpanCollector();
        await using var app = await StartAsync(spans, tracePolling: "true");
        var port = new Uri(app.Urls.First()).Port;

        await CallEverythingAsync(port);

        await Poll.UntilAsync(() => Task.FromResult(s_probes.All(p => spans.Requests(port, p).Count == 2) && spans.Requests(port, "/lookup").Count == 2),
            () => Task.FromResult("client and server spans of every probe and of the marked poll; got "
                + string.Join(", ", spans.Spans.Select(s => s.DisplayName))), TimeSpan.FromSeconds(10));
    }

    private static async Task CallEverythingAsync(int port)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
        foreach (var probe in s_probes)
        {
            using var response = await http.GetAsync(probe + "?format=json");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        using (var marked = new HttpRequestMessage(HttpMethod.Get, "/lookup?topic=t").MarkPolling())
        using (var response = await http.SendAsync(marked))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        using (var response = await http.GetAsync("/work?x=1"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    private static async Task<WebApplication> StartAsync(SpanCollector spans, string? tracePolling)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        if (tracePolling is not null) builder.Configuration[PollingRequests.TracePollingKey] = tracePolling;
        builder.Configuration[Microsoft.Extensions.Hosting.ServiceDefaultsExtensions.TracingKey] = "true";
        builder.AddServiceDefaults();
        builder.Services.AddOpenTelemetry().WithTracing(spans.AddTo);
        var app = builder.Build();
        app.MapDefaultEndpoints();
        // What nsqd and nsqlookupd serve under these names; the bodies do not matter here.
        foreach (var path in new[] { "/ping", "/info", "/stats", "/lookup", "/work" }) app.MapGet(path, () => "OK");
        await app.StartAsync();
        return app;
    }
}
