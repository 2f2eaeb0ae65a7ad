using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Admin.Web.Tests.Infrastructure;
using Admin.Web.Tests.Proxy;

namespace Admin.Web.Tests.Api;

/// <summary>nsqadmin's JSON API (spec §7.3) against a real cluster.</summary>
public sealed class AdminApiTests(ProxyClusterFixture fixture) : IClassFixture<ProxyClusterFixture>
{
    private TestCluster Cluster => fixture.Cluster;

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task Topic_is_aggregated_over_its_producers()
    {
        var topic = TestCluster.NewTopic("agg");
        await TestCluster.PublishAsync(Cluster.Brokers[0], topic, 4);
        await TestCluster.PublishAsync(Cluster.Brokers[1], topic, 6);
        await Cluster.WaitForProducersAsync(topic, 2);

        var body = await Cluster.Http.GetFromJsonAsync<JsonElement>($"/api/topics/{topic}");

        Assert.Equal("*", body.GetProperty("node").GetString());
        Assert.Equal(10, body.GetProperty("depth").GetInt64());
        Assert.Equal(10, body.GetProperty("message_count").GetInt64());
        Assert.Equal(2, body.GetProperty("nodes").GetArrayLength());
        Assert.Equal("", body.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Channel_actions_fan_out_to_every_producer()
    {
        var topic = TestCluster.NewTopic("fan");
        foreach (var b in Cluster.Brokers)
        {
            await TestCluster.PostAsync(b, $"/topic/create?topic={topic}");
            await TestCluster.PostAsync(b, $"/channel/create?topic={topic}&channel=c");
            await TestCluster.PublishAsync(b, topic, 5);
            await TestCluster.WaitForChannelDepthAsync(b, topic, "c", 5);
        }
        await Cluster.WaitForProducersAsync(topic, 2);
        var channel = await Cluster.Http.GetFromJsonAsync<JsonElement>($"/api/topics/{topic}/c");
        Assert.Equal(10, channel.GetProperty("total").GetProperty("depth").GetInt64());

        using var res = await Cluster.Http.PostAsync($"/api/topics/{topic}/c", Json("""{"action":"empty"}"""));

        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        foreach (var b in Cluster.Brokers)
            Assert.Equal(0, (await TestCluster.TopicStatsAsync(b, topic))!.Value.GetProperty("channels")[0].GetProperty("depth").GetInt64());
    }

    [Fact]
    public async Task Bad_action_is_400_INVALID_ACTION_and_a_non_json_body_is_refused()
    {
        var topic = TestCluster.NewTopic("bad");
        await TestCluster.PublishAsync(Cluster.Brokers[0], topic, 1);

        using var bad = await Cluster.Http.PostAsync($"/api/topics/{topic}", Json("""{"action":"explode"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("INVALID_ACTION", (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("message").GetString());

        // A cross-site HTML form can only send form encodings: those never act.
        using var form = await Cluster.Http.PostAsync($"/api/topics/{topic}", new FormUrlEncodedContent([new("action", "empty")]));
        Assert.Equal(HttpStatusCode.BadRequest, form.StatusCode);
        Assert.Equal(1, (await TestCluster.TopicStatsAsync(Cluster.Brokers[0], topic))!.Value.GetProperty("depth").GetInt64());

        using var invalid = await Cluster.Http.PostAsync("/api/topics", Json("""{"topic":"no spaces allowed"}"""));
        Assert.Equal("INVALID_TOPIC", (await invalid.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("message").GetString());
    }

    [Fact]
    public async Task Tombstone_hides_the_topic_on_that_node_and_deletes_it_there()
    {
        var topic = TestCluster.NewTopic("tomb");
        var (victim, keeper) = (Cluster.Brokers[0], Cluster.Brokers[1]);
        await TestCluster.PublishAsync(victim, topic, 1);
        await TestCluster.PublishAsync(keeper, topic, 1);
        await Cluster.WaitForProducersAsync(topic, 2);

        var node = TestCluster.NodeKey(victim);
        using var req = new HttpRequestMessage(HttpMethod.Delete, $"/api/nodes/{node}") { Content = Json($$"""{"topic":"{{topic}}"}""") };
        using var res = await Cluster.Http.SendAsync(req);

        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        Assert.Null(await TestCluster.TopicStatsAsync(victim, topic));
        var producers = await Cluster.Http.GetFromJsonAsync<JsonElement>($"/api/topics/{topic}");
        Assert.Equal([TestCluster.NodeKey(keeper)], producers.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("node").GetString()));
    }

    [Fact]
    public async Task Nodes_and_node_and_counter_answer_nsqadmin_shapes()
    {
        var topic = TestCluster.NewTopic("shape");
        var broker = Cluster.Brokers[0];
        await TestCluster.PostAsync(broker, $"/topic/create?topic={topic}");
        await TestCluster.PostAsync(broker, $"/channel/create?topic={topic}&channel=c");
        await TestCluster.PublishAsync(broker, topic, 3);
        await TestCluster.WaitForChannelDepthAsync(broker, topic, "c", 3);
        await Cluster.WaitForProducersAsync(topic, 1);

        var nodes = await Cluster.Http.GetFromJsonAsync<JsonElement>("/api/nodes");
        var mine = nodes.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("http_port").GetInt32() == broker.HttpEndPoint!.Port);
        Assert.Equal(broker.TcpEndPoint.Port, mine.GetProperty("tcp_port").GetInt32());
        Assert.Equal(2, mine.GetProperty("remote_addresses").GetArrayLength()); // registered with both lookups
        Assert.Contains(mine.GetProperty("topics").EnumerateArray(), t => t.GetProperty("topic").GetString() == topic && !t.GetProperty("tombstoned").GetBoolean());

        var node = await Cluster.Http.GetFromJsonAsync<JsonElement>($"/api/nodes/{TestCluster.NodeKey(broker)}");
        Assert.Contains(node.GetProperty("topics").EnumerateArray(), t => t.GetProperty("topic_name").GetString() == topic);
        using var missing = await Cluster.Http.GetAsync("/api/nodes/10.1.1.1:1");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        var counter = await Cluster.Http.GetFromJsonAsync<JsonElement>("/api/counter");
        var entry = counter.GetProperty("stats").GetProperty($"{topic}:c:{TestCluster.NodeKey(broker)}");
        Assert.Equal(3, entry.GetProperty("message_count").GetInt64());
        Assert.True(counter.GetProperty("total").GetInt64() >= 3);
    }

    [Fact]
    public async Task Rates_follow_publishing_without_graphite()
    {
        var topic = TestCluster.NewTopic("rates");
        var broker = Cluster.Brokers[1];
        await TestCluster.PublishAsync(broker, topic, 1);
        await TestCluster.WaitUntilAsync(async () =>
        {
            await TestCluster.PublishAsync(broker, topic, 20);
            var body = await Cluster.Http.GetFromJsonAsync<JsonElement>($"/api/rates?topic={topic}");
            return body.GetProperty("points").EnumerateArray().Any(p => p.GetProperty("publish").GetDouble() > 0);
        }, "a non-zero publish rate");
        using var missing = await Cluster.Http.GetAsync("/api/rates");
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
    }

    [Fact]
    public async Task Admin_users_restrict_actions_to_the_named_header_values()
    {
        await using var cluster = await TestCluster.StartAsync(lookups: 1, brokers: 1, configure: o => o.AdminUsers.Add("alice"));
        var topic = TestCluster.NewTopic("acl");
        await TestCluster.PublishAsync(cluster.Brokers[0], topic, 2);
        await cluster.WaitForProducersAsync(topic, 1);

        using var anonymous = await cluster.Http.PostAsync($"/api/topics/{topic}", Json("""{"action":"empty"}"""));
        Assert.Equal(HttpStatusCode.Forbidden, anonymous.StatusCode);

        using var req = new HttpRequestMessage(HttpMethod.Post, $"/api/topics/{topic}") { Content = Json("""{"action":"empty"}""") };
        req.Headers.Add("X-Forwarded-User", "alice");
        using var alice = await cluster.Http.SendAsync(req);
        Assert.Equal(HttpStatusCode.OK, alice.StatusCode);
        Assert.Equal(0, (await TestCluster.TopicStatsAsync(cluster.Brokers[0], topic))!.Value.GetProperty("depth").GetInt64());
    }

    [Fact]
    public async Task Without_lookupds_the_static_nsqd_list_is_the_cluster()
    {
        await using var cluster = await TestCluster.StartAsync(lookups: 0, brokers: 2);
        var topic = TestCluster.NewTopic("static");
        await TestCluster.PublishAsync(cluster.Brokers[1], topic, 2);

        var topics = await cluster.Http.GetFromJsonAsync<JsonElement>("/api/topics");
        Assert.Contains(topic, topics.GetProperty("topics").EnumerateArray().Select(t => t.GetString()));
        var nodes = await cluster.Http.GetFromJsonAsync<JsonElement>("/api/nodes");
        Assert.Equal(2, nodes.GetProperty("nodes").GetArrayLength());
        var detail = await cluster.Http.GetFromJsonAsync<JsonElement>($"/api/topics/{topic}");
        Assert.Equal(2, detail.GetProperty("depth").GetInt64());
        await cluster.WaitForProxyAsync();
    }
}

/// <summary>Answers are gzip-compressed for clients that accept it, as nsqadmin's are.</summary>
public sealed class CompressionTests(ProxyClusterFixture fixture) : IClassFixture<ProxyClusterFixture>
{
    [Fact]
    public async Task Pages_and_api_are_gzipped_when_accepted()
    {
        using var http = new HttpClient(new HttpClientHandler { AutomaticDecompression = DecompressionMethods.None }) { BaseAddress = fixture.Cluster.AdminUri };
        foreach (var path in new[] { "/", "/api/nodes", "/static/admin.js" })
        {
            using var req = new HttpRequestMessage(HttpMethod.Get, path);
            req.Headers.AcceptEncoding.ParseAdd("gzip");
            using var res = await http.SendAsync(req);
            Assert.Equal(HttpStatusCode.OK, res.StatusCode);
            Assert.Equal("gzip", Assert.Single(res.Content.Headers.ContentEncoding));
        }
    }
}
