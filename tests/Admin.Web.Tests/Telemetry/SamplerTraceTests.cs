using System.Net;
using Admin.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Nsq.TestUtilities;
using NsqAspire.Daemon.Http;

namespace Admin.Web.Tests.Telemetry;

/// <summary>
/// The admin's stats sampler reads the lookups' <c>/nodes</c> and the brokers' <c>/stats</c> on a timer: those reads are
/// polling and leave no span (on the admin's side nor the lookup's), while the same read made for a page is traced.
/// </summary>
public sealed class SamplerTraceTests
{
    [Fact]
    public async Task The_sampler_leaves_no_span_and_a_page_read_does()
    {
        await using var cluster = await TestCluster.StartAsync(lookups: 1, brokers: 1);
        var spans = new SpanCollector();
        await using var admin = await StartAdminAsync(cluster, spans, tracePolling: false);
        var lookupPort = cluster.Lookups[0].HttpEndPoint.Port;
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{admin.HttpEndPoint.Port}"), Timeout = TimeSpan.FromSeconds(10) };

        // The proxy routes to a broker only after a sample read the lookup's /nodes: from then on its span would be here.
        await WaitForSampleAsync(http, cluster);
        Assert.Empty(spans.Requests(lookupPort, "/nodes"));

        using (var page = await http.GetAsync("/nodes"))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        }
        // The page's read: the admin's client span and the lookup's server span, in the page request's trace.
        await Poll.UntilAsync(() => spans.Requests(lookupPort, "/nodes").Count >= 2, "spans of the page's /nodes read", TimeSpan.FromSeconds(10));
        Assert.All(spans.Requests(lookupPort, "/nodes"), s => Assert.NotEqual(default, s.ParentSpanId));
    }

    [Fact]
    public async Task With_TracePolling_the_sampler_is_traced()
    {
        await using var cluster = await TestCluster.StartAsync(lookups: 1, brokers: 1);
        var spans = new SpanCollector();
        await using var admin = await StartAdminAsync(cluster, spans, tracePolling: true);
        var lookupPort = cluster.Lookups[0].HttpEndPoint.Port;
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{admin.HttpEndPoint.Port}"), Timeout = TimeSpan.FromSeconds(10) };

        await WaitForSampleAsync(http, cluster);
        await Poll.UntilAsync(() => spans.Requests(lookupPort, "/nodes").Count > 0, "a span of the sampler's /nodes read", TimeSpan.FromSeconds(10));
    }

    private static async Task<AdminServer> StartAdminAsync(TestCluster cluster, SpanCollector spans, bool tracePolling)
    {
        var options = new AdminOptions { HttpAddress = "127.0.0.1:0", RateInterval = TimeSpan.FromMilliseconds(100) };
        options.LookupdHttpAddresses.Add($"127.0.0.1:{cluster.Lookups[0].HttpEndPoint.Port}");
        var admin = AdminServer.Create(options, [],
            b =>
            {
                b.Configuration[PollingRequests.TracePollingKey] = tracePolling ? "true" : "false";
                b.AddServiceDefaults();
                b.Services.AddOpenTelemetry().WithTracing(spans.AddTo);
            },
            app => app.MapDefaultEndpoints());
        await Task.Run(() => admin.StartAsync());
        return admin;
    }

    private static Task WaitForSampleAsync(HttpClient adminHttp, TestCluster cluster) => Poll.UntilAsync(async () =>
    {
        using var res = await adminHttp.GetAsync($"/api/nsqd/{TestCluster.NodeKey(cluster.Brokers[0])}/ping");
        return res.IsSuccessStatusCode;
    }, "the admin's proxy routes to the broker (a sample ran)", TimeSpan.FromSeconds(15));
}
