using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Admin.Web.Tests.Infrastructure;

namespace Admin.Web.Tests.Proxy;

/// <summary>A cluster of its own per test class: YARP in front of the lookups and brokers.</summary>
public sealed class ProxyClusterFixture : IAsyncLifetime
{
    public TestCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await TestCluster.StartAsync();

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

/// <summary>Requests through the admin's YARP routes reach the right upstream.</summary>
public sealed class ProxyTests(ProxyClusterFixture fixture) : IClassFixture<ProxyClusterFixture>
{
    private TestCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task Nsqd_route_reaches_the_named_node()
    {
        await Cluster.WaitForProxyAsync();
        foreach (var broker in Cluster.Brokers)
        {
            var info = await Cluster.Http.GetFromJsonAsync<JsonElement>($"/api/nsqd/{TestCluster.NodeKey(broker)}/info");
            Assert.Equal(broker.TcpEndPoint.Port, info.GetProperty("tcp_port").GetInt32());
            Assert.Equal(broker.HttpEndPoint!.Port, info.GetProperty("http_port").GetInt32());
        }
    }

    [Fact]
    public async Task Nsqd_route_carries_the_query_and_the_method()
    {
        await Cluster.WaitForProxyAsync();
        var topic = TestCluster.NewTopic("proxied");
        var broker = Cluster.Brokers[1];
        using var pub = await Cluster.Http.PostAsync($"/api/nsqd/{TestCluster.NodeKey(broker)}/pub?topic={topic}", new StringContent("through yarp"));
        Assert.Equal(HttpStatusCode.OK, pub.StatusCode);

        var stats = await Cluster.Http.GetFromJsonAsync<JsonElement>($"/api/nsqd/{TestCluster.NodeKey(broker)}/stats?format=json&topic={topic}");
        Assert.Equal(1, stats.GetProperty("topics")[0].GetProperty("depth").GetInt64());
        Assert.Null(await TestCluster.TopicStatsAsync(Cluster.Brokers[0], topic));
    }

    [Fact]
    public async Task Unknown_node_is_404_NODE_NOT_FOUND()
    {
        await Cluster.WaitForProxyAsync();
        using var res = await Cluster.Http.GetAsync("/api/nsqd/10.9.9.9:4151/stats");
        Assert.Equal(HttpStatusCode.NotFound, res.StatusCode);
        Assert.Equal("NODE_NOT_FOUND", (await res.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("message").GetString());
    }

    [Fact]
    public async Task Lookupd_route_spreads_requests_over_the_replicas()
    {
        // Each replica (memory store) is told about one topic only the other does not know: which answers shows who served.
        var only0 = TestCluster.NewTopic("only0");
        var only1 = TestCluster.NewTopic("only1");
        using (var l0 = TestCluster.Direct(Cluster.Lookups[0])) (await l0.PostAsync($"/topic/create?topic={only0}", null)).EnsureSuccessStatusCode();
        using (var l1 = TestCluster.Direct(Cluster.Lookups[1])) (await l1.PostAsync($"/topic/create?topic={only1}", null)).EnsureSuccessStatusCode();

        var served = new HashSet<string>();
        for (var i = 0; i < 10; i++)
        {
            var topics = await Cluster.Http.GetFromJsonAsync<JsonElement>("/api/lookupd/topics");
            var names = topics.GetProperty("topics").EnumerateArray().Select(t => t.GetString()).ToList();
            if (names.Contains(only0)) served.Add("lookup0");
            if (names.Contains(only1)) served.Add("lookup1");
        }

        Assert.Equal(["lookup0", "lookup1"], served.Order());
    }

    [Fact]
    public async Task Lookupd_route_answers_like_a_lookupd()
    {
        var topic = TestCluster.NewTopic("lk");
        await TestCluster.PublishAsync(Cluster.Brokers[0], topic, 1);
        await Cluster.WaitForProducersAsync(topic, 1);

        using var res = await Cluster.Http.GetAsync($"/api/lookupd/lookup?topic={topic}");
        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        Assert.Equal("nsq; version=1.0", res.Headers.GetValues("X-NSQ-Content-Type").Single());
        var body = await res.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(Cluster.Brokers[0].TcpEndPoint.Port, body.GetProperty("producers")[0].GetProperty("tcp_port").GetInt32());
    }
}

/// <summary>A lookup replica going away: the proxy skips it and the pages keep answering.</summary>
public sealed class LookupReplicaFailureTests
{
    [Fact]
    public async Task A_stopped_lookup_replica_does_not_break_the_pages_or_the_lookupd_route()
    {
        await using var cluster = await TestCluster.StartAsync();
        var topic = TestCluster.NewTopic("survive");
        await TestCluster.PublishAsync(cluster.Brokers[0], topic, 3);
        await cluster.WaitForProducersAsync(topic, 1);

        await cluster.StopLookupAsync(0);

        // The health probe takes the replica out of rotation: then every request is answered by the live one.
        await TestCluster.WaitUntilAsync(async () =>
        {
            for (var i = 0; i < 6; i++)
            {
                using var r = await cluster.Http.GetAsync("/api/lookupd/topics");
                if (!r.IsSuccessStatusCode) return false;
            }
            return true;
        }, "the lookupd route answers six times in a row");
        for (var i = 0; i < 10; i++)
        {
            var topics = await cluster.Http.GetFromJsonAsync<JsonElement>("/api/lookupd/topics");
            Assert.Contains(topic, topics.GetProperty("topics").EnumerateArray().Select(t => t.GetString()));
        }

        // Pages read every lookupd: the dead one becomes a warning, the data comes from the other.
        foreach (var path in new[] { "/", $"/topics/{topic}", "/nodes", "/lookup", "/counter" })
        {
            using var page = await cluster.Http.GetAsync(path);
            Assert.True(page.StatusCode == HttpStatusCode.OK, $"{path}: {(int)page.StatusCode}");
            var html = await page.Content.ReadAsStringAsync();
            if (path is "/" or "/nodes") Assert.Contains("WARNING", html, StringComparison.Ordinal);
        }
        var home = await cluster.Http.GetStringAsync("/");
        Assert.Contains($"data-topic=\"{topic}\"", home, StringComparison.Ordinal);
        var api = await cluster.Http.GetFromJsonAsync<JsonElement>("/api/topics");
        Assert.Contains(topic, api.GetProperty("topics").EnumerateArray().Select(t => t.GetString()));
        Assert.StartsWith("WARNING", api.GetProperty("message").GetString(), StringComparison.Ordinal);
    }
}

/// <summary>The admin as its host runs it (ServiceDefaults: resilient HttpClients by default) with a dead lookup.</summary>
public sealed class HostedAdminTests
{
    [Fact]
    public async Task With_service_defaults_a_dead_lookup_costs_a_warning_not_retries()
    {
        await using var cluster = await TestCluster.StartAsync();
        var options = new Admin.Core.AdminOptions { HttpAddress = "127.0.0.1:0" };
        options.LookupdHttpAddresses.AddRange(cluster.Lookups.Select(l => $"127.0.0.1:{l.HttpEndPoint.Port}"));
        await using var admin = Admin.Core.AdminServer.Create(options, [],
            b => Microsoft.Extensions.Hosting.ServiceDefaultsExtensions.AddServiceDefaults(b),
            app => Microsoft.Extensions.Hosting.ServiceDefaultsExtensions.MapDefaultEndpoints(app));
        await Task.Run(() => admin.StartAsync());
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{admin.HttpEndPoint.Port}"), Timeout = TimeSpan.FromSeconds(30) };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health")).StatusCode);

        await cluster.StopLookupAsync(1);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        using var page = await http.GetAsync("/nodes");
        watch.Stop();

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("WARNING", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // The standard resilience handler would retry a refused connection 3 times with a 2 s base backoff.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"/nodes took {watch.Elapsed}");
    }
}
