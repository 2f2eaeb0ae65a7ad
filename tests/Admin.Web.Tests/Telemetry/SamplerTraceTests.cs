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
        await using var setup = await SampledAdmin.StartAsync(tracePolling: false);
        var (spans, http, lookupPort) = (setup.Spans, setup.Http, setup.LookupPort);

        // The proxy routes to a broker only after a sample read the lookup's /nodes: its span would be here by now.
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
        await using var setup = await SampledAdmin.StartAsync(tracePolling: true);
        await Poll.UntilAsync(() => setup.Spans.Requests(setup.LookupPort, "/nodes").Count > 0, "a span of the sampler's /nodes read", TimeSpan.FromSeconds(10));
    }

    /// <summary>A one-lookup, one-broker cluster and a ServiceDefaults-hosted admin exporting to <see cref="Spans"/>,
    /// returned once the admin's sampler has run (its proxy routes to the broker only after a sample read the nodes).</summary>
    private sealed class SampledAdmin : IAsyncDisposable
    {
        private TestCluster _cluster = null!;
        private AdminServer _admin = null!;

        public SpanCollector Spans { get; } = new();
        public HttpClient Http { get; private set; } = null!;
        public int LookupPort => _cluster.Lookups[0].HttpEndPoint.Port;

        public static async Task<SampledAdmin> StartAsync(bool tracePolling)
        {
            var setup = new SampledAdmin { _cluster = await TestCluster.StartAsync(lookups: 1, brokers: 1) };
            var options = new AdminOptions { HttpAddress = "127.0.0.1:0", RateInterval = TimeSpan.FromMilliseconds(100) };
            options.LookupdHttpAddresses.Add($"127.0.0.1:{setup.LookupPort}");
            setup._admin = AdminServer.Create(options, [],
                b =>
                {
                    b.Configuration[PollingRequests.TracePollingKey] = tracePolling ? "true" : "false";
                    b.Configuration[ServiceDefaultsExtensions.TracingKey] = "true";
                    b.AddServiceDefaults();
                    b.Services.AddOpenTelemetry().WithTracing(setup.Spans.AddTo);
                },
                app => app.MapDefaultEndpoints());
            await Task.Run(() => setup._admin.StartAsync());
            setup.Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{setup._admin.HttpEndPoint.Port}"), Timeout = TimeSpan.FromSeconds(10) };
            var node = TestCluster.NodeKey(setup._cluster.Brokers[0]);
            await Poll.UntilAsync(async () =>
            {
                using var res = await setup.Http.GetAsync($"/api/nsqd/{node}/ping");
                return res.IsSuccessStatusCode;
            }, "the admin's proxy routes to the broker (a sample ran)", TimeSpan.FromSeconds(15));
            return setup;
        }

        public async ValueTask DisposeAsync()
        {
            Http?.Dispose();
            if (_admin is not null) await _admin.DisposeAsync();
            await _cluster.DisposeAsync();
        }
    }
}
