using System.Text.Json;

namespace Lookup.Core.Tests.Http;

/// <summary>Spec §6.3 with the V1 conventions of §3.1: every endpoint, its JSON shape and its errors.</summary>
public sealed class HttpApiTests : IAsyncLifetime
{
    private TestLookup _lookup = null!;

    public async Task InitializeAsync() => _lookup = await TestLookup.StartAsync();

    public async Task DisposeAsync() => await _lookup.DisposeAsync();

    private static string[] Keys(JsonElement e) => [.. e.EnumerateObject().Select(p => p.Name)];

    private static void AssertV1(HttpResponseMessage res)
        => Assert.Equal("nsq; version=1.0", Assert.Single(res.Headers.GetValues("X-NSQ-Content-Type")));

    /// <summary>Status, body, content type (null: none) and the V1 header of one answer.</summary>
    private static async Task AssertAnswerAsync(Task<(int Status, string Body, HttpResponseMessage Response)> call, int status,
        string body, string? contentType)
    {
        var (s, b, res) = await call;
        Assert.Equal(status, s);
        Assert.Equal(body, b);
        Assert.Equal(contentType, res.Content.Headers.ContentType?.ToString());
        AssertV1(res);
    }

    private static Task AssertErrorAsync(Task<(int Status, string Body, HttpResponseMessage Response)> call, int status, string message)
        => AssertAnswerAsync(call, status, $"{{\"message\":\"{message}\"}}", "application/json; charset=utf-8");

    [Fact]
    public Task Ping_is_OK_text() => AssertAnswerAsync(_lookup.GetAsync("/ping"), 200, "OK", "text/plain; charset=utf-8");

    [Fact]
    public Task Info_is_the_version()
        => AssertAnswerAsync(_lookup.GetAsync("/info"), 200, "{\"version\":\"1.3.0\"}", "application/json; charset=utf-8");

    [Fact]
    public async Task Unknown_path_is_404_and_wrong_method_is_405_with_allow()
    {
        await AssertErrorAsync(_lookup.GetAsync("/nope"), 404, "NOT_FOUND");
        var call = _lookup.PostAsync("/lookup?topic=x");
        await AssertErrorAsync(call, 405, "METHOD_NOT_ALLOWED");
        Assert.Equal("GET, OPTIONS", string.Join(", ", (await call).Response.Content.Headers.Allow));
        await AssertErrorAsync(_lookup.GetAsync("/topic/create?topic=x"), 405, "METHOD_NOT_ALLOWED");
    }

    [Fact]
    public async Task Bad_query_is_400_INVALID_REQUEST()
        => await AssertErrorAsync(_lookup.GetAsync("/lookup?topic=a;b"), 400, "INVALID_REQUEST");

    [Fact]
    public async Task Lookup_errors()
    {
        await AssertErrorAsync(_lookup.GetAsync("/lookup"), 400, "MISSING_ARG_TOPIC");
        await AssertErrorAsync(_lookup.GetAsync("/lookup?topic=nope"), 404, "TOPIC_NOT_FOUND");
        await AssertErrorAsync(_lookup.GetAsync("/lookup?topic="), 404, "TOPIC_NOT_FOUND");
    }

    [Fact]
    public async Task Lookup_of_a_created_topic_has_empty_arrays_not_null()
    {
        await AssertAnswerAsync(_lookup.PostAsync("/topic/create?topic=t1"), 200, "", contentType: null);
        var (_, lookup, _) = await _lookup.GetAsync("/lookup?topic=t1");
        Assert.Equal("{\"channels\":[],\"producers\":[]}", lookup);
    }

    [Fact]
    public async Task Lookup_lists_channels_and_producers_with_peer_info_keys()
    {
        await using var c = await _lookup.ConnectAsync(broadcast: "10.1.1.1", httpPort: 4151);
        Assert.Equal("OK", await c.CommandAsync("REGISTER t ch1"));
        Assert.Equal("OK", await c.CommandAsync("REGISTER t ch2"));
        var json = await _lookup.GetJsonAsync("/lookup?topic=t");
        Assert.Equal(["channels", "producers"], Keys(json));
        Assert.Equal(["ch1", "ch2"], json.GetProperty("channels").EnumerateArray().Select(e => e.GetString()!).Order());
        var p = Assert.Single(json.GetProperty("producers").EnumerateArray());
        Assert.Equal(["remote_address", "hostname", "broadcast_address", "tcp_port", "http_port", "version", "topology_zone", "topology_region"], Keys(p));
        Assert.Equal(c.PeerId, p.GetProperty("remote_address").GetString());
        Assert.Equal("nsqd-host", p.GetProperty("hostname").GetString());
        Assert.Equal("10.1.1.1", p.GetProperty("broadcast_address").GetString());
        Assert.Equal(4150, p.GetProperty("tcp_port").GetInt32());
        Assert.Equal(4151, p.GetProperty("http_port").GetInt32());
        Assert.Equal("1.3.0", p.GetProperty("version").GetString());
    }

    [Fact]
    public async Task Topics_and_channels()
    {
        Assert.Equal("{\"topics\":[]}", (await _lookup.GetAsync("/topics")).Body);
        await _lookup.PostAsync("/topic/create?topic=a");
        await _lookup.PostAsync("/channel/create?topic=b&channel=c1");
        var topics = await _lookup.GetJsonAsync("/topics");
        Assert.Equal(["a", "b"], topics.GetProperty("topics").EnumerateArray().Select(e => e.GetString()!).Order());
        Assert.Equal("{\"channels\":[\"c1\"]}", (await _lookup.GetAsync("/channels?topic=b")).Body);
        Assert.Equal("{\"channels\":[]}", (await _lookup.GetAsync("/channels?topic=unknown")).Body);
        await AssertErrorAsync(_lookup.GetAsync("/channels"), 400, "MISSING_ARG_TOPIC");
    }

    [Fact]
    public async Task Topic_create_and_delete_errors_and_effects()
    {
        await AssertErrorAsync(_lookup.PostAsync("/topic/create"), 400, "MISSING_ARG_TOPIC");
        await AssertErrorAsync(_lookup.PostAsync("/topic/create?topic=bad!"), 400, "INVALID_ARG_TOPIC");
        await AssertErrorAsync(_lookup.PostAsync("/topic/delete"), 400, "MISSING_ARG_TOPIC");
        await _lookup.PostAsync("/channel/create?topic=t&channel=c");
        var (status, body, _) = await _lookup.PostAsync("/topic/delete?topic=t");
        Assert.Equal((200, ""), (status, body));
        Assert.Equal("{\"topics\":[]}", (await _lookup.GetAsync("/topics")).Body);
        Assert.Equal("{\"channels\":[]}", (await _lookup.GetAsync("/channels?topic=t")).Body);
        Assert.Equal(200, (await _lookup.PostAsync("/topic/delete?topic=never")).Status);
    }

    [Fact]
    public async Task Channel_create_and_delete_errors_and_effects()
    {
        await AssertErrorAsync(_lookup.PostAsync("/channel/create"), 400, "MISSING_ARG_TOPIC");
        await AssertErrorAsync(_lookup.PostAsync("/channel/create?topic=bad!&channel=c"), 400, "INVALID_ARG_TOPIC");
        await AssertErrorAsync(_lookup.PostAsync("/channel/create?topic=t"), 400, "MISSING_ARG_CHANNEL");
        await AssertErrorAsync(_lookup.PostAsync("/channel/create?topic=t&channel=bad!"), 400, "INVALID_ARG_CHANNEL");
        await AssertErrorAsync(_lookup.PostAsync("/channel/delete"), 400, "MISSING_ARG_TOPIC");
        await AssertErrorAsync(_lookup.PostAsync("/channel/delete?topic=t"), 400, "MISSING_ARG_CHANNEL");
        await AssertErrorAsync(_lookup.PostAsync("/channel/delete?topic=t&channel=c"), 404, "CHANNEL_NOT_FOUND");

        Assert.Equal(200, (await _lookup.PostAsync("/channel/create?topic=t&channel=c")).Status);
        Assert.Equal("{\"topics\":[\"t\"]}", (await _lookup.GetAsync("/topics")).Body);
        Assert.Equal("{\"channels\":[\"c\"],\"producers\":[]}", (await _lookup.GetAsync("/lookup?topic=t")).Body);
        var (status, body, _) = await _lookup.PostAsync("/channel/delete?topic=t&channel=c");
        Assert.Equal((200, ""), (status, body));
        Assert.Equal("{\"channels\":[]}", (await _lookup.GetAsync("/channels?topic=t")).Body);
        Assert.Equal("{\"topics\":[\"t\"]}", (await _lookup.GetAsync("/topics")).Body);
    }

    [Fact]
    public async Task Nodes_lists_identified_producers_with_aligned_tombstones()
    {
        Assert.Equal("{\"producers\":[]}", (await _lookup.GetAsync("/nodes")).Body);
        await using var a = await _lookup.ConnectAsync(broadcast: "node-a", httpPort: 4151);
        await using var b = await _lookup.ConnectAsync(broadcast: "node-b", httpPort: 5151);
        Assert.Equal("OK", await a.CommandAsync("REGISTER t1 ch"));
        Assert.Equal("OK", await a.CommandAsync("REGISTER t2"));
        Assert.Equal("OK", await a.CommandAsync("REGISTER t3"));
        Assert.Equal("OK", await b.CommandAsync("REGISTER t2"));

        var (status, body, _) = await _lookup.PostAsync("/topic/tombstone?topic=t2&node=node-a:4151");
        Assert.Equal((200, ""), (status, body));

        var nodes = await _lookup.GetJsonAsync("/nodes");
        Assert.Equal(["producers"], Keys(nodes));
        var list = nodes.GetProperty("producers").EnumerateArray().ToList();
        Assert.Equal(2, list.Count);
        var na = list.Single(n => n.GetProperty("broadcast_address").GetString() == "node-a");
        Assert.Equal(["remote_address", "hostname", "broadcast_address", "tcp_port", "http_port", "version", "topology_zone", "topology_region", "tombstones", "topics"],
            Keys(na));
        var topics = na.GetProperty("topics").EnumerateArray().Select(e => e.GetString()!).ToList();
        var tombstones = na.GetProperty("tombstones").EnumerateArray().Select(e => e.GetBoolean()).ToList();
        Assert.Equal(["t1", "t2", "t3"], topics.Order());
        Assert.Equal(topics.Count, tombstones.Count);
        for (var i = 0; i < topics.Count; i++) Assert.Equal(topics[i] == "t2", tombstones[i]);
        var nb = list.Single(n => n.GetProperty("broadcast_address").GetString() == "node-b");
        Assert.Equal("[\"t2\"]", nb.GetProperty("topics").GetRawText());
        Assert.Equal("[false]", nb.GetProperty("tombstones").GetRawText());

        // The tombstone hides node-a from /lookup only.
        var lookup = await _lookup.GetJsonAsync("/lookup?topic=t2");
        Assert.Equal("node-b", Assert.Single(lookup.GetProperty("producers").EnumerateArray()).GetProperty("broadcast_address").GetString());
    }

    [Fact]
    public async Task Tombstone_errors_and_unmatched_node()
    {
        await AssertErrorAsync(_lookup.PostAsync("/topic/tombstone"), 400, "MISSING_ARG_TOPIC");
        await AssertErrorAsync(_lookup.PostAsync("/topic/tombstone?topic=t"), 400, "MISSING_ARG_NODE");
        Assert.Equal(200, (await _lookup.PostAsync("/topic/tombstone?topic=nope&node=x:1")).Status);
    }

    [Fact]
    public async Task Debug_maps_keys_to_producers()
    {
        await using var c = await _lookup.ConnectAsync(broadcast: "node-a", httpPort: 4151);
        Assert.Equal("OK", await c.CommandAsync("REGISTER t ch"));
        await _lookup.PostAsync("/topic/create?topic=empty");
        var json = await _lookup.GetJsonAsync("/debug");
        Assert.Equal(["channel:t:ch", "client::", "topic:t:"], Keys(json));
        var p = Assert.Single(json.GetProperty("topic:t:").EnumerateArray());
        Assert.Equal(["broadcast_address", "hostname", "http_port", "id", "last_update", "tcp_port", "tombstoned", "tombstoned_at",
            "topology_region", "topology_zone", "version"], Keys(p));
        Assert.Equal(c.PeerId, p.GetProperty("id").GetString());
        Assert.False(p.GetProperty("tombstoned").GetBoolean());
        Assert.Equal(-6795364578871345152, p.GetProperty("tombstoned_at").GetInt64());
    }
}

/// <summary>Spec §6.4 with small timeouts: inactivity hides from /lookup and /nodes, a tombstone expires.</summary>
public sealed class HttpTimeoutTests
{
    [Fact]
    public async Task Inactive_producer_is_hidden_from_lookup_and_nodes_until_it_pings()
    {
        await using var lookup = await TestLookup.StartAsync(o => o.InactiveProducerTimeout = TimeSpan.FromMilliseconds(300));
        await using var c = await lookup.ConnectAsync();
        Assert.Equal("OK", await c.CommandAsync("REGISTER t"));
        Assert.Single((await lookup.GetJsonAsync("/lookup?topic=t")).GetProperty("producers").EnumerateArray());
        Assert.Single((await lookup.GetJsonAsync("/nodes")).GetProperty("producers").EnumerateArray());

        await TestLookup.WaitForAsync(async () => (await lookup.GetAsync("/lookup?topic=t")).Body == "{\"channels\":[],\"producers\":[]}",
            "producer to go inactive");
        Assert.Equal("{\"producers\":[]}", (await lookup.GetAsync("/nodes")).Body);
        Assert.Equal("{\"topics\":[\"t\"]}", (await lookup.GetAsync("/topics")).Body);

        Assert.Equal("OK", await c.CommandAsync("PING"));
        Assert.Single((await lookup.GetJsonAsync("/lookup?topic=t")).GetProperty("producers").EnumerateArray());
        Assert.Single((await lookup.GetJsonAsync("/nodes")).GetProperty("producers").EnumerateArray());
    }

    [Fact]
    public async Task Tombstone_expires_after_its_lifetime()
    {
        await using var lookup = await TestLookup.StartAsync(o => o.TombstoneLifetime = TimeSpan.FromMilliseconds(1500));
        await using var c = await lookup.ConnectAsync(broadcast: "n", httpPort: 4151);
        Assert.Equal("OK", await c.CommandAsync("REGISTER t"));
        await lookup.PostAsync("/topic/tombstone?topic=t&node=n:4151");
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var hidden = (await lookup.GetJsonAsync("/lookup?topic=t")).GetProperty("producers").GetArrayLength() == 0;
        var nodesTombstones = (await lookup.GetJsonAsync("/nodes")).GetProperty("producers")[0].GetProperty("tombstones").GetRawText();
        // Within the 1.5 s lifetime (checked with a margin, a loaded machine may be slow) it is hidden and flagged.
        if (sw.ElapsedMilliseconds < 1000)
        {
            Assert.True(hidden);
            Assert.Equal("[true]", nodesTombstones);
        }
        await TestLookup.WaitForAsync(async () => (await lookup.GetJsonAsync("/lookup?topic=t")).GetProperty("producers").GetArrayLength() == 1,
            "tombstone to expire");
        Assert.Equal("[false]", (await lookup.GetJsonAsync("/nodes")).GetProperty("producers")[0].GetProperty("tombstones").GetRawText());
    }

    [Fact]
    public async Task Reconnected_nsqd_is_a_new_producer_without_tombstone()
    {
        await using var lookup = await TestLookup.StartAsync();
        var c = await lookup.ConnectAsync(broadcast: "n", httpPort: 4151);
        Assert.Equal("OK", await c.CommandAsync("REGISTER t"));
        await lookup.PostAsync("/topic/tombstone?topic=t&node=n:4151");
        Assert.Equal(0, (await lookup.GetJsonAsync("/lookup?topic=t")).GetProperty("producers").GetArrayLength());
        await c.DisposeAsync();
        await TestLookup.WaitForAsync(async () => (await lookup.GetJsonAsync("/nodes")).GetProperty("producers").GetArrayLength() == 0, "disconnect");
        await using var again = await lookup.ConnectAsync(broadcast: "n", httpPort: 4151);
        Assert.Equal("OK", await again.CommandAsync("REGISTER t"));
        Assert.Equal(1, (await lookup.GetJsonAsync("/lookup?topic=t")).GetProperty("producers").GetArrayLength());
    }
}
