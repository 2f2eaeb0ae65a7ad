using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Admin.Core;
using Lookup.Core;
using Nsqd.Core;

namespace Nsq.TestUtilities.Fixtures;

/// <summary>
/// A real cluster in this process on loopback port 0: lookups (memory store), brokers registered with every lookup, and
/// the admin app reading the lookups. Fast sampling and health probes so that rates and proxy health show within a
/// second.
/// </summary>
public sealed class TestCluster : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private readonly List<string> _dataPaths = [];
    private readonly HashSet<LookupServer> _stopped = [];

    private TestCluster() { }

    public List<LookupServer> Lookups { get; } = [];
    public List<NsqdServer> Brokers { get; } = [];
    public AdminServer Admin { get; private set; } = null!;
    public Uri AdminUri => new($"http://127.0.0.1:{Admin.HttpEndPoint.Port}");
    public HttpClient Http { get; private set; } = null!;

    /// <summary>Starts the cluster off xunit's synchronization context, so the servers' background loops never queue behind
    /// test code on its two threads.</summary>
    public static Task<TestCluster> StartAsync(int lookups = 2, int brokers = 2, Action<AdminOptions>? configure = null)
        => Task.Run(() => StartCoreAsync(lookups, brokers, configure));

    private static async Task<TestCluster> StartCoreAsync(int lookups, int brokers, Action<AdminOptions>? configure)
    {
        var cluster = new TestCluster();
        for (var i = 0; i < lookups; i++)
        {
            var lookup = await TestLookup.StartServerAsync(o => o.BroadcastAddress = "127.0.0.1");
            cluster.Lookups.Add(lookup);
        }
        for (var i = 0; i < brokers; i++)
        {
            var dataPath = Path.Combine(Path.GetTempPath(), "admin-test-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(dataPath);
            cluster._dataPaths.Add(dataPath);
            var brokerOptions = TestBroker.NewOptions(dataPath);
            brokerOptions.LookupdTcpAddresses = [.. cluster.Lookups.Select(l => $"127.0.0.1:{l.TcpEndPoint.Port}")];
            var broker = NsqdServer.Create(brokerOptions);
            await broker.StartAsync();
            cluster.Brokers.Add(broker);
        }
        var options = new AdminOptions
        {
            HttpAddress = "127.0.0.1:0",
            RateInterval = TimeSpan.FromMilliseconds(250),
            ProxyHealthInterval = TimeSpan.FromMilliseconds(300),
            HttpClientConnectTimeout = TimeSpan.FromSeconds(1),
        };
        if (lookups > 0) options.LookupdHttpAddresses.AddRange(cluster.Lookups.Select(l => $"127.0.0.1:{l.HttpEndPoint.Port}"));
        else options.NsqdHttpAddresses.AddRange(cluster.Brokers.Select(b => $"127.0.0.1:{b.HttpEndPoint!.Port}"));
        configure?.Invoke(options);
        cluster.Admin = AdminServer.Create(options);
        await cluster.Admin.StartAsync();
        cluster.Http = new HttpClient { BaseAddress = cluster.AdminUri, Timeout = TimeSpan.FromSeconds(10) };
        return cluster;
    }

    /// <summary>The admin's name of a broker (<c>broadcast_address:http_port</c>).</summary>
    public static string NodeKey(NsqdServer broker) => $"127.0.0.1:{broker.HttpEndPoint!.Port}";

    public static string NewTopic(string prefix = "t") => prefix + Guid.NewGuid().ToString("N")[..10];

    public static HttpClient Direct(NsqdServer broker) => new() { BaseAddress = new Uri($"http://127.0.0.1:{broker.HttpEndPoint!.Port}"), Timeout = TimeSpan.FromSeconds(10) };

    public static HttpClient Direct(LookupServer lookup) => new() { BaseAddress = new Uri($"http://127.0.0.1:{lookup.HttpEndPoint.Port}"), Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>Publishes <paramref name="count"/> messages to <paramref name="broker"/> over HTTP (/mpub, text mode).</summary>
    public static async Task PublishAsync(NsqdServer broker, string topic, int count)
    {
        using var http = Direct(broker);
        var body = string.Join("\n", Enumerable.Range(0, count).Select(i => $"message {i}"));
        using var res = await http.PostAsync($"/mpub?topic={topic}", new StringContent(body, Encoding.UTF8));
        Assert.True(res.IsSuccessStatusCode, $"/mpub {topic}: {(int)res.StatusCode} {await res.Content.ReadAsStringAsync()}");
    }

    public static async Task PostAsync(NsqdServer broker, string pathAndQuery)
    {
        using var http = Direct(broker);
        using var res = await http.PostAsync(pathAndQuery, null);
        Assert.True(res.IsSuccessStatusCode, $"{pathAndQuery}: {(int)res.StatusCode} {await res.Content.ReadAsStringAsync()}");
    }

    /// <summary>A topic's depth plus its channels' on one broker, and whether it is paused (null when absent).</summary>
    public static async Task<JsonElement?> TopicStatsAsync(NsqdServer broker, string topic)
    {
        using var http = Direct(broker);
        var stats = await http.GetFromJsonAsync<JsonElement>($"/stats?format=json&topic={topic}");
        var topics = stats.GetProperty("topics");
        return topics.ValueKind == JsonValueKind.Array && topics.GetArrayLength() > 0 ? topics[0].Clone() : null;
    }

    /// <summary>Until the topic's pump has moved its messages into <paramref name="channel"/> on <paramref name="broker"/>
    /// (a publish lands in the topic first, and reaches channels asynchronously).</summary>
    public static Task WaitForChannelDepthAsync(NsqdServer broker, string topic, string channel, long depth) => WaitUntilAsync(async () =>
    {
        var stats = await TopicStatsAsync(broker, topic);
        return stats is { } t && t.GetProperty("channels").EnumerateArray()
            .Any(c => c.GetProperty("channel_name").GetString() == channel && c.GetProperty("depth").GetInt64() == depth);
    }, $"channel {topic}/{channel} holds {depth}");

    /// <summary>Until the admin lists <paramref name="topic"/> (the lookups know it).</summary>
    public Task WaitForTopicAsync(string topic) => WaitUntilAsync(async () =>
    {
        var body = await Http.GetFromJsonAsync<JsonElement>("/api/topics");
        return body.GetProperty("topics").EnumerateArray().Any(t => t.GetString() == topic);
    }, $"admin lists topic {topic}");

    /// <summary>Until every lookup lists <paramref name="count"/> producers of <paramref name="topic"/> (each broker that
    /// holds it has registered with each lookup).</summary>
    public Task WaitForProducersAsync(string topic, int count) => WaitUntilAsync(async () =>
    {
        foreach (var lookup in Lookups.Where(l => !_stopped.Contains(l)))
        {
            using var http = Direct(lookup);
            using var res = await http.GetAsync($"/lookup?topic={topic}");
            if (!res.IsSuccessStatusCode) return false;
            var body = await res.Content.ReadFromJsonAsync<JsonElement>();
            if (body.GetProperty("producers").GetArrayLength() != count) return false;
        }
        return true;
    }, $"every lookup lists {count} producer(s) of {topic}");

    /// <summary>Until the proxy routes to every broker (the sampler has seen them all).</summary>
    public Task WaitForProxyAsync() => WaitUntilAsync(async () =>
    {
        foreach (var b in Brokers)
        {
            using var res = await Http.GetAsync($"/api/nsqd/{NodeKey(b)}/ping");
            if (!res.IsSuccessStatusCode) return false;
        }
        return true;
    }, "the proxy routes to every broker");

    public async Task StopLookupAsync(int index)
    {
        _stopped.Add(Lookups[index]);
        await Lookups[index].DisposeAsync();
    }

    /// <summary>Polls <paramref name="condition"/> until it holds or <paramref name="timeout"/> passes.</summary>
    public static Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        Exception? last = null;
        return Poll.UntilAsync(async () =>
        {
            try
            {
                return await condition();
            }
            catch (Exception ex) when (ex is HttpRequestException or JsonException or TaskCanceledException)
            {
                last = ex;
                return false;
            }
        }, () => Task.FromResult(what + (last is null ? "" : $" (last error: {last.Message})")), timeout ?? Timeout);
    }

    public async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        if (Admin is not null) await Admin.DisposeAsync();
        foreach (var b in Brokers) await b.DisposeAsync();
        foreach (var l in Lookups.Where(l => !_stopped.Contains(l))) await l.DisposeAsync();
        foreach (var p in _dataPaths) TempDirectory.Delete(p);
    }
}
