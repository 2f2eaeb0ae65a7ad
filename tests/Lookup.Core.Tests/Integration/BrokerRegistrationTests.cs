using static Lookup.Core.Tests.Integration.ClusterSupport;

namespace Lookup.Core.Tests.Integration;

/// <summary>
/// A real in-process broker (Nsqd.Core) registering over TCP V1 with a real in-process lookup (memory store): what the
/// broker's topology does shows up in the lookup's HTTP answers (spec §6.2, §6.3).
/// </summary>
public sealed class BrokerRegistrationTests : IAsyncLifetime
{
    private TestLookup _lookup = null!;
    private readonly List<TestBroker> _brokers = [];

    // broadcast_address 127.0.0.1: brokers GET /channels from it when they create a topic (spec §6.2).
    public async Task InitializeAsync() => _lookup = await TestLookup.StartAsync(o => o.BroadcastAddress = "127.0.0.1");

    public async Task DisposeAsync()
    {
        // Brokers first: the lookup then stops with no registered connection left.
        foreach (var b in _brokers) await b.DisposeAsync();
        await _lookup.DisposeAsync();
    }

    private async Task<TestBroker> BrokerAsync()
    {
        var b = await StartBrokerAsync([_lookup]);
        _brokers.Add(b);
        return b;
    }

    private Task WaitForProducersAsync(string topic, Node[]? expected, string what)
        => WaitUntilAsync(async () =>
            {
                var got = await LookupAsync(_lookup, topic);
                return expected is null ? got is null : got is not null && got.SequenceEqual(Sorted(expected));
            },
            what, state: async () => Show(await LookupAsync(_lookup, topic)));

    [Fact]
    public async Task Pub_creates_the_topic_and_lookup_lists_the_broker_with_its_real_ports()
    {
        var broker = await BrokerAsync();
        Assert.Null(await LookupAsync(_lookup, "reg_pub")); // 404 TOPIC_NOT_FOUND until a broker has the topic

        await PublishAsync(broker, "reg_pub", "hello");
        await WaitForProducersAsync("reg_pub", [Node.Of(broker)], "/lookup to list the broker after PUB");

        var json = await _lookup.GetJsonAsync("/lookup?topic=reg_pub");
        var p = Assert.Single(json.GetProperty("producers").EnumerateArray());
        Assert.Equal("127.0.0.1", p.GetProperty("broadcast_address").GetString());
        Assert.Equal(broker.Tcp.Port, p.GetProperty("tcp_port").GetInt32());
        Assert.Equal(broker.Http.Port, p.GetProperty("http_port").GetInt32());
        Assert.Equal("1.3.0", p.GetProperty("version").GetString());
        Assert.StartsWith("127.0.0.1:", p.GetProperty("remote_address").GetString(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(p.GetProperty("hostname").GetString()));
        Assert.Empty(json.GetProperty("channels").EnumerateArray());
        Assert.Contains("reg_pub", await TopicsAsync(_lookup));
    }

    [Fact]
    public async Task Sub_registers_the_channel()
    {
        var broker = await BrokerAsync();
        await using var sub = await SubscribeAsync(broker, "reg_sub", "ch1");

        await WaitUntilAsync(async () => (await ChannelsAsync(_lookup, "reg_sub")).SequenceEqual(["ch1"]),
            "/channels to list ch1", state: async () => string.Join(",", await ChannelsAsync(_lookup, "reg_sub")));
        // REGISTER topic channel registers the topic too: the broker is a producer of the topic.
        Assert.Equal([Node.Of(broker)], (await LookupAsync(_lookup, "reg_sub"))!);
        Assert.Equal(["ch1"], await LookupChannelsAsync(_lookup, "reg_sub"));
    }

    [Fact]
    public async Task Topic_delete_on_the_broker_removes_it_from_lookup_producers()
    {
        var broker = await BrokerAsync();
        await PublishAsync(broker, "reg_del", "x");
        await PublishAsync(broker, "reg_keep", "y");
        await WaitForProducersAsync("reg_del", [Node.Of(broker)], "reg_del registered");
        await WaitForProducersAsync("reg_keep", [Node.Of(broker)], "reg_keep registered");

        using var http = broker.HttpClient();
        using (var res = await http.PostAsync("topic/delete?topic=reg_del", null))
            Assert.True(res.IsSuccessStatusCode, $"broker /topic/delete: {(int)res.StatusCode}");

        // UNREGISTER: the producer leaves the topic; the key stays (nsqlookupd never removes non-ephemeral keys).
        await WaitForProducersAsync("reg_del", [], "the broker to leave reg_del's producers");
        Assert.Equal([Node.Of(broker)], (await LookupAsync(_lookup, "reg_keep"))!);
        Assert.Equal([NodeLine(Node.Of(broker), "reg_keep")], await NodesAsync(_lookup));
    }

    [Fact]
    public async Task Clean_broker_stop_closes_the_connection_and_the_producer_is_gone()
    {
        var broker = await BrokerAsync();
        var other = await BrokerAsync();
        await PublishAsync(broker, "reg_stop", "x");
        await PublishAsync(other, "reg_stop", "y");
        await WaitForProducersAsync("reg_stop", [Node.Of(broker), Node.Of(other)], "both brokers registered");
        var stopped = Node.Of(broker);

        await broker.Server.StopAsync();

        await WaitForProducersAsync("reg_stop", [Node.Of(other)], "the stopped broker to leave /lookup");
        await WaitUntilAsync(async () => (await NodesAsync(_lookup)).SequenceEqual([NodeLine(Node.Of(other), "reg_stop")]),
            "the stopped broker to leave /nodes", state: async () => string.Join(" | ", await NodesAsync(_lookup)));
        Assert.DoesNotContain(stopped, await LookupAsync(_lookup, "reg_stop") ?? []);
        Assert.Contains("reg_stop", await TopicsAsync(_lookup)); // the topic key outlives its producers
    }

    [Fact]
    public async Task Nodes_lists_every_broker_with_its_topics()
    {
        var a = await BrokerAsync();
        var b = await BrokerAsync();
        await PublishAsync(a, "nodes_1", "x");
        await PublishAsync(a, "nodes_2", "x");
        await using var sub = await SubscribeAsync(b, "nodes_2", "c");
        await PublishAsync(b, "nodes_3", "x");

        string[] expected = [NodeLine(Node.Of(a), "nodes_1", "nodes_2"), NodeLine(Node.Of(b), "nodes_2", "nodes_3")];
        await WaitUntilAsync(async () => (await NodesAsync(_lookup)).SequenceEqual(expected.Order(StringComparer.Ordinal)),
            "/nodes to list both brokers with their topics", state: async () => string.Join(" | ", await NodesAsync(_lookup)));
        Assert.Equal(["nodes_1", "nodes_2", "nodes_3"], await TopicsAsync(_lookup));
        Assert.Equal(Sorted([Node.Of(a), Node.Of(b)]), (await LookupAsync(_lookup, "nodes_2"))!);
        Assert.Equal(["c"], await ChannelsAsync(_lookup, "nodes_2"));
    }
}
