using System.Net;
using System.Text;
using System.Text.Json;
using Nsq.Protocol.V2;
using Nsqd.Core;

namespace Lookup.Core.Tests.Integration;

/// <summary>One producer as a lookup lists it: the address a client would dial, plus the HTTP port.</summary>
public sealed record Node(string BroadcastAddress, int TcpPort, int HttpPort)
{
    public static Node Of(TestBroker broker) => new("127.0.0.1", broker.Tcp.Port, broker.Http.Port);

    public static Node Of(NsqdProcess broker) => new("127.0.0.1", broker.TcpPort, broker.HttpPort);

    public static Node Parse(JsonElement p)
        => new(p.GetProperty("broadcast_address").GetString()!, p.GetProperty("tcp_port").GetInt32(), p.GetProperty("http_port").GetInt32());

    public override string ToString() => $"{BroadcastAddress}:{TcpPort}/{HttpPort}";
}

/// <summary>Real brokers registering with real lookups, and reading what the lookups answer over HTTP.</summary>
public static class ClusterSupport
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    /// <summary>An in-process broker registered with <paramref name="lookups"/> (their TCP ports), optionally pinging more
    /// often than nsqd's 15 s so that a short inactive-producer timeout does not hide it.</summary>
    public static Task<TestBroker> StartBrokerAsync(IEnumerable<TestLookup> lookups, TimeSpan? pingInterval = null)
        => TestBroker.StartAsync(o =>
        {
            o.LookupdTcpAddresses = [.. lookups.Select(l => $"127.0.0.1:{l.Server.TcpEndPoint.Port}")];
            if (pingInterval is { } ping) SetPingInterval(o, ping);
        });

    /// <summary>
    /// Sets the broker's lookupd PING interval. <c>LookupSettings</c> is Nsqd.Core's internal per-options test knob
    /// (Nsqd.Core shows its internals to Nsqd.Core.Tests and Lookup.Core.Tests); the live peers read it on every loop, so
    /// a long interval set on a running broker silences its pings while its connection stays open.
    /// </summary>
    public static void SetPingInterval(NsqdOptions options, TimeSpan interval)
    {
        Nsqd.Core.Lookup.LookupSettings.For(options).PingInterval = interval;
    }

    public static async Task PublishAsync(TestBroker broker, string topic, params string[] bodies)
    {
        await using var c = await broker.ConnectAsync();
        foreach (var body in bodies)
        {
            await c.SendAsync(o => CommandWriter.Pub(o, topic, Encoding.UTF8.GetBytes(body)));
            Assert.Equal("OK", await c.ReadResponseTextAsync());
        }
    }

    /// <summary>SUB (creates the channel) and keep the connection: the caller disposes it.</summary>
    public static async Task<RawClient> SubscribeAsync(TestBroker broker, string topic, string channel)
    {
        var c = await broker.ConnectAsync();
        await c.SendAsync(o => CommandWriter.Sub(o, topic, channel));
        Assert.Equal("OK", await c.ReadResponseTextAsync());
        return c;
    }

    /// <summary>/lookup producers, or null when the topic is unknown (404 TOPIC_NOT_FOUND).</summary>
    public static async Task<Node[]?> LookupAsync(TestLookup lookup, string topic)
    {
        var (status, body, _) = await lookup.GetAsync($"/lookup?topic={topic}");
        if (status == 404) return null;
        Assert.True(status == 200, $"/lookup?topic={topic}: {status} {body}");
        using var doc = JsonDocument.Parse(body);
        return Sorted(doc.RootElement.GetProperty("producers").EnumerateArray().Select(Node.Parse));
    }

    public static async Task<string[]> LookupChannelsAsync(TestLookup lookup, string topic)
    {
        var (status, body, _) = await lookup.GetAsync($"/lookup?topic={topic}");
        if (status == 404) return [];
        using var doc = JsonDocument.Parse(body);
        return [.. doc.RootElement.GetProperty("channels").EnumerateArray().Select(c => c.GetString()!).Order(StringComparer.Ordinal)];
    }

    public static async Task<string[]> ChannelsAsync(TestLookup lookup, string topic)
    {
        var json = await lookup.GetJsonAsync($"/channels?topic={topic}");
        return [.. json.GetProperty("channels").EnumerateArray().Select(c => c.GetString()!).Order(StringComparer.Ordinal)];
    }

    public static async Task<string[]> TopicsAsync(TestLookup lookup)
    {
        var json = await lookup.GetJsonAsync("/topics");
        return [.. json.GetProperty("topics").EnumerateArray().Select(c => c.GetString()!).Order(StringComparer.Ordinal)];
    }

    /// <summary>/nodes as "node topics(tombstones)" lines, sorted: comparable across replicas.</summary>
    public static async Task<string[]> NodesAsync(TestLookup lookup)
    {
        var json = await lookup.GetJsonAsync("/nodes");
        return [.. json.GetProperty("producers").EnumerateArray().Select(p =>
        {
            var topics = p.GetProperty("topics").EnumerateArray().Select(t => t.GetString()!).ToArray();
            var tombstones = p.GetProperty("tombstones").EnumerateArray().Select(t => t.GetBoolean()).ToArray();
            Assert.Equal(topics.Length, tombstones.Length);
            var pairs = topics.Zip(tombstones, (t, x) => x ? t + "(tombstoned)" : t).Order(StringComparer.Ordinal);
            return $"{Node.Parse(p)} [{string.Join(",", pairs)}]";
        }).Order(StringComparer.Ordinal)];
    }

    public static string NodeLine(Node node, params string[] topics)
        => $"{node} [{string.Join(",", topics.Order(StringComparer.Ordinal))}]";

    public static Node[] Sorted(IEnumerable<Node> nodes) => [.. nodes.OrderBy(n => n.ToString(), StringComparer.Ordinal)];

    /// <summary>Polls <paramref name="condition"/> until it holds; fails with <paramref name="what"/> and the last
    /// observed state otherwise.</summary>
    public static Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null, Func<Task<string>>? state = null)
        => Poll.UntilAsync(condition, async () => what + (state is null ? "" : $"; last state: {await state()}"), timeout ?? Timeout);

    public static string Show(IEnumerable<Node>? nodes) => nodes is null ? "404" : "[" + string.Join(", ", nodes) + "]";

    public static IPEndPoint Loopback(int port) => new(IPAddress.Loopback, port);
}
