using System.Net;
using System.Text.Json;
using Nsq.Protocol.V2;
using Nsqd.Core.Tests.Infrastructure;

namespace Nsqd.Core.Tests.Http;

/// <summary>Spec §3.3/§3.4: /stats JSON keys and order at every level, null-vs-[] rules, filters, and the text shape.</summary>
public class StatsTests
{
    private static readonly string[] TopLevel = ["version", "health", "start_time", "topics", "memory", "producers"];
    private static readonly string[] TopicKeys =
        ["topic_name", "channels", "depth", "backend_depth", "message_count", "message_bytes", "paused", "e2e_processing_latency"];
    internal static readonly string[] ChannelKeys =
    [
        "channel_name", "depth", "backend_depth", "in_flight_count", "deferred_count", "message_count", "requeue_count",
        "timeout_count", "client_count", "clients", "paused", "e2e_processing_latency",
    ];
    private static readonly string[] ClientKeys =
    [
        "client_id", "hostname", "version", "remote_address", "state", "ready_count", "in_flight_count", "message_count",
        "finish_count", "requeue_count", "connect_ts", "sample_rate", "deflate", "snappy", "user_agent", "topology_zone",
        "topology_region", "tls", "tls_cipher_suite", "tls_version", "tls_negotiated_protocol", "tls_negotiated_protocol_is_mutual",
    ];
    private static readonly string[] MemoryKeys =
    [
        "heap_objects", "heap_idle_bytes", "heap_in_use_bytes", "heap_released_bytes", "gc_pause_usec_100", "gc_pause_usec_99",
        "gc_pause_usec_95", "next_gc_bytes", "gc_total_runs",
    ];

    /// <summary>A consumer on topic:channel with one message in flight, and a TCP producer that published to topic (and "other").</summary>
    private static async Task<(RawClient Consumer, RawClient Producer)> SetUpClientsAsync(TestBroker b, string topic, string channel)
    {
        var producer = await b.ConnectAsync();
        await producer.IdentifyAsync(new { client_id = "prod", hostname = "ph", user_agent = "pub/1.0" });
        Assert.Equal("OK", await producer.ReadResponseTextAsync());
        await producer.SendAsync(o => CommandWriter.Pub(o, topic, "m1"u8));
        Assert.Equal("OK", await producer.ReadResponseTextAsync());
        await producer.SendAsync(o => CommandWriter.Pub(o, "other", "x"u8));
        Assert.Equal("OK", await producer.ReadResponseTextAsync());

        var consumer = await b.ConnectAsync();
        await consumer.IdentifyAsync(new { client_id = "statsclient", hostname = "h1", user_agent = "probe/0.1" });
        Assert.Equal("OK", await consumer.ReadResponseTextAsync());
        await consumer.SendAsync(o => CommandWriter.Sub(o, topic, channel));
        Assert.Equal("OK", await consumer.ReadResponseTextAsync());
        await consumer.SendAsync(o => CommandWriter.Rdy(o, 1));
        await consumer.ReadMessageAsync();
        return (consumer, producer);
    }

    [Fact]
    public async Task Json_keys_and_order_at_every_level()
    {
        await using var b = await TestBroker.StartAsync();
        using var http = b.HttpClient();
        var (consumer, producer) = await SetUpClientsAsync(b, "st", "ch1");
        await using var c1 = consumer;
        await using var p1 = producer;

        var s = await http.StatsJsonAsync("&topic=st");
        Assert.Equal(TopLevel, HttpAssert.Keys(s));
        Assert.Equal("1.3.0", s.GetProperty("version").GetString());
        Assert.Equal("OK", s.GetProperty("health").GetString());
        Assert.InRange(s.GetProperty("start_time").GetInt64(), DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        Assert.Equal(MemoryKeys, HttpAssert.Keys(s.GetProperty("memory")));

        var t = Assert.Single(s.GetProperty("topics").EnumerateArray());
        Assert.Equal(TopicKeys, HttpAssert.Keys(t));
        Assert.Equal("st", t.GetProperty("topic_name").GetString());
        Assert.Equal(1, t.GetProperty("message_count").GetInt64());
        Assert.Equal(2, t.GetProperty("message_bytes").GetInt64());
        Assert.Equal("{\"count\":0,\"percentiles\":null}", t.GetProperty("e2e_processing_latency").GetRawText());

        var ch = Assert.Single(t.GetProperty("channels").EnumerateArray());
        Assert.Equal(ChannelKeys, HttpAssert.Keys(ch));
        Assert.Equal(1, ch.GetProperty("in_flight_count").GetInt32());
        Assert.Equal(1, ch.GetProperty("client_count").GetInt32());

        var client = Assert.Single(ch.GetProperty("clients").EnumerateArray());
        Assert.Equal(ClientKeys, HttpAssert.Keys(client));
        Assert.Equal("statsclient", client.GetProperty("client_id").GetString());
        Assert.Equal("h1", client.GetProperty("hostname").GetString());
        Assert.Equal("V2", client.GetProperty("version").GetString());
        Assert.StartsWith("127.0.0.1:", client.GetProperty("remote_address").GetString(), StringComparison.Ordinal);
        Assert.Equal(3, client.GetProperty("state").GetInt32());
        Assert.Equal(1, client.GetProperty("ready_count").GetInt64());
        Assert.Equal(1, client.GetProperty("in_flight_count").GetInt64());
        Assert.Equal(1, client.GetProperty("message_count").GetInt64());
        Assert.Equal("probe/0.1", client.GetProperty("user_agent").GetString());
        Assert.False(client.GetProperty("tls").GetBoolean());

        var prod = Assert.Single(s.GetProperty("producers").EnumerateArray());
        var expectedProducerKeys = ClientKeys.ToList();
        expectedProducerKeys.Insert(expectedProducerKeys.IndexOf("tls"), "pub_counts");
        Assert.Equal(expectedProducerKeys, HttpAssert.Keys(prod));
        Assert.Equal("prod", prod.GetProperty("client_id").GetString());
        Assert.Equal(0, prod.GetProperty("state").GetInt32());
        // With a topic filter, pub_counts shows only that topic.
        Assert.Equal("[{\"topic\":\"st\",\"count\":1}]", prod.GetProperty("pub_counts").GetRawText());

        var all = await http.StatsJsonAsync();
        Assert.Equal("[{\"topic\":\"other\",\"count\":1},{\"topic\":\"st\",\"count\":1}]",
            all.GetProperty("producers")[0].GetProperty("pub_counts").GetRawText());
    }

    [Fact]
    public async Task Null_versus_empty_rules()
    {
        await using var b = await TestBroker.StartAsync();
        using var http = b.HttpClient();
        var s = await http.StatsJsonAsync();
        Assert.Equal(JsonValueKind.Null, s.GetProperty("topics").ValueKind);
        Assert.Equal(JsonValueKind.Null, s.GetProperty("producers").ValueKind);

        await HttpAssert.OkEmptyAsync(await http.PostAsync("/topic/create?topic=nc"));
        s = await http.StatsJsonAsync();
        Assert.Equal("[]", s.GetProperty("topics")[0].GetProperty("channels").GetRawText());
        await HttpAssert.OkEmptyAsync(await http.PostAsync("/channel/create?topic=nc&channel=c"));
        s = await http.StatsJsonAsync();
        Assert.Equal("[]", s.GetProperty("topics")[0].GetProperty("channels")[0].GetProperty("clients").GetRawText());

        s = await http.StatsJsonAsync("&topic=missing");
        Assert.Equal(JsonValueKind.Null, s.GetProperty("topics").ValueKind);
    }

    [Fact]
    public async Task Filters_and_include_flags()
    {
        await using var b = await TestBroker.StartAsync();
        using var http = b.HttpClient();
        var (consumer, producer) = await SetUpClientsAsync(b, "ft", "c2");
        await using var c1 = consumer;
        await using var p1 = producer;
        await HttpAssert.OkEmptyAsync(await http.PostAsync("/channel/create?topic=ft&channel=c1"));

        var s = await http.StatsJsonAsync();
        Assert.Equal(["ft", "other"], s.GetProperty("topics").EnumerateArray().Select(t => t.GetProperty("topic_name").GetString()));
        Assert.Equal(["c1", "c2"], s.GetProperty("topics")[0].GetProperty("channels").EnumerateArray().Select(c => c.GetProperty("channel_name").GetString()));

        s = await http.StatsJsonAsync("&topic=ft&channel=c2");
        var t = Assert.Single(s.GetProperty("topics").EnumerateArray());
        Assert.Equal("c2", Assert.Single(t.GetProperty("channels").EnumerateArray()).GetProperty("channel_name").GetString());

        // A channel filter drops the topics that lack it.
        s = await http.StatsJsonAsync("&channel=c1");
        Assert.Equal("ft", Assert.Single(s.GetProperty("topics").EnumerateArray()).GetProperty("topic_name").GetString());

        // Producers are listed even when the topic filter doesn't match their topics... but pub_counts is filtered away.
        s = await http.StatsJsonAsync("&topic=missing");
        Assert.Equal(JsonValueKind.Null, s.GetProperty("topics").ValueKind);
        var prod = Assert.Single(s.GetProperty("producers").EnumerateArray());
        Assert.False(prod.TryGetProperty("pub_counts", out _));

        s = await http.StatsJsonAsync("&topic=ft&include_clients=false&include_mem=0");
        Assert.False(s.TryGetProperty("memory", out _));
        Assert.Equal(JsonValueKind.Null, s.GetProperty("producers").ValueKind);
        var chans = s.GetProperty("topics")[0].GetProperty("channels");
        Assert.Equal(JsonValueKind.Null, chans[1].GetProperty("clients").ValueKind);
        Assert.Equal(1, chans[1].GetProperty("client_count").GetInt32());

        // Unrecognised values keep the defaults (true).
        s = await http.StatsJsonAsync("&topic=ft&include_clients=maybe&include_mem=yes");
        Assert.True(s.TryGetProperty("memory", out _));
        Assert.Equal(JsonValueKind.Array, s.GetProperty("producers").ValueKind);
    }

    [Fact]
    public async Task E2e_latency_percentiles_when_configured()
    {
        await using var b = await TestBroker.StartAsync(o => o.E2EProcessingLatencyPercentiles = [1.0, 0.99]);
        using var http = b.HttpClient();
        await HttpAssert.OkTextAsync(await http.PostAsync("/pub?topic=e2e", "m"));
        await HttpAssert.OkEmptyAsync(await http.PostAsync("/channel/create?topic=e2e&channel=idle"));
        await using var sub = await b.ConnectAsync();
        await sub.SendAsync(o => CommandWriter.Sub(o, "e2e", "c"));
        Assert.Equal("OK", await sub.ReadResponseTextAsync());

        var s = await http.StatsJsonAsync("&topic=e2e");
        var idle = s.GetProperty("topics")[0].GetProperty("channels")[1];
        Assert.Equal("{\"count\":0,\"percentiles\":[{\"quantile\":1,\"value\":0},{\"quantile\":0.99,\"value\":0}]}",
            idle.GetProperty("e2e_processing_latency").GetRawText());

        await HttpAssert.OkTextAsync(await http.PostAsync("/pub?topic=e2e", "n"));
        await sub.SendAsync(o => CommandWriter.Rdy(o, 1));
        var m = await sub.ReadMessageAsync();
        await sub.SendAsync(o => CommandWriter.Fin(o, System.Text.Encoding.ASCII.GetBytes(m.Id)));
        await HttpAssert.EventuallyAsync(async () =>
        {
            var st = await http.StatsJsonAsync("&topic=e2e&channel=c");
            return st.GetProperty("topics")[0].GetProperty("channels")[0].GetProperty("e2e_processing_latency").GetProperty("count").GetInt64() == 1;
        }, "a latency sample");
        var topic = (await http.StatsJsonAsync("&topic=e2e")).GetProperty("topics")[0].GetProperty("e2e_processing_latency");
        Assert.Equal(1, topic.GetProperty("count").GetInt64());
        Assert.True(topic.GetProperty("percentiles")[0].GetProperty("value").GetDouble() > 0);
    }

    [Fact]
    public async Task Text_format_shape()
    {
        await using var b = await TestBroker.StartAsync();
        using var http = b.HttpClient();
        var empty = await http.GetAsync("/stats");
        Assert.Equal(HttpStatusCode.OK, empty.StatusCode);
        Assert.Equal("text/plain; charset=utf-8", empty.Content.Headers.ContentType?.ToString());
        HttpAssert.AssertV1(empty);
        var text = await empty.Content.ReadAsStringAsync();
        Assert.StartsWith("nsqd v1.3.0 (built w/", text, StringComparison.Ordinal);
        Assert.Matches(@"\nstart_time \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\nuptime [0-9.]+(ns|µs|ms|s)\n\nHealth: OK\n\nMemory:\n   heap_objects             \t\d+\n", text);
        Assert.EndsWith("\nTopics: None\n\nProducers: None\n", text, StringComparison.Ordinal);

        var (consumer, producer) = await SetUpClientsAsync(b, "test", "ch1");
        await using var c1 = consumer;
        await using var p1 = producer;
        await HttpAssert.OkEmptyAsync(await http.PostAsync("/channel/create?topic=test&channel=zz"));
        await HttpAssert.OkEmptyAsync(await http.PostAsync("/channel/pause?topic=test&channel=zz"));
        text = await (await http.GetAsync("/stats?format=text&include_mem=false&topic=test")).Content.ReadAsStringAsync();
        Assert.DoesNotContain("Memory:", text, StringComparison.Ordinal);
        var lines = text.Split('\n');
        Assert.Contains("   [test           ] depth: 0     be-depth: 0     msgs: 1        e2e%: ", lines);
        Assert.Contains("      [ch1                      ] depth: 0     be-depth: 0     inflt: 1    def: 0    re-q: 0     timeout: 0     msgs: 1        e2e%: ", lines);
        Assert.Contains("   *P [zz                       ] depth: 0     be-depth: 0     inflt: 0    def: 0    re-q: 0     timeout: 0     msgs: 0        e2e%: ", lines);
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l,
            @"^        \[V2 h1:\d+ probe/0\.1\s*\] state: 3 inflt: 1    rdy: 1    fin: 0        re-q: 0        msgs: 1        connected: \d+s$"));
        Assert.Contains("\nProducers:\n", text, StringComparison.Ordinal);
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l,
            @"^   \[V2 ph:\d+ pub/1\.0\s*\] msgs: 1        topics: test=1 connected: \d+s$"));
    }
}
