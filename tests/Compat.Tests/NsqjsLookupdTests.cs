using System.Globalization;
using System.Text;
using System.Text.Json;
using Compat.Tests.Infrastructure;
using Lookup.Core;
using Nsq.Protocol.V2;

namespace Compat.Tests;

/// <summary>
/// The real nsqjs 0.13.0 Reader discovering brokers through our nsqlookupd (<c>lookupdHTTPAddresses</c>, spec §6.5):
/// two in-process brokers registered with one in-process lookup, messages split across them, each consumed exactly once.
/// </summary>
public sealed class NsqjsLookupdTests : IAsyncLifetime
{
    private LookupServer _lookup = null!;
    private readonly List<TestBroker> _brokers = [];
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public async Task InitializeAsync()
    {
        _lookup = await TestLookup.StartServerAsync(o => o.BroadcastAddress = "127.0.0.1");
        for (var i = 0; i < 2; i++) _brokers.Add(await TestBroker.StartRegisteredWithAsync(_lookup));
    }

    public async Task DisposeAsync()
    {
        foreach (var b in _brokers) await b.DisposeAsync();
        await _lookup.DisposeAsync();
        _http.Dispose();
    }

    private int LookupHttpPort => _lookup.HttpEndPoint.Port;

    /// <summary>Half with PUB, half with MPUB (batches of 25), over the test's own raw V2 connection.</summary>
    private static async Task<List<string>> PublishAsync(TestBroker broker, string topic, string prefix, int count)
    {
        var bodies = Enumerable.Range(0, count).Select(i => $"{prefix}-{i}").ToList();
        await using var c = await broker.ConnectAsync();
        var half = count / 2;
        foreach (var body in bodies.Take(half)) await c.PublishAsync(topic, body);
        foreach (var batch in bodies.Skip(half).Chunk(25))
        {
            var payload = batch.Select(b => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(b)).ToArray();
            await c.SendAsync(o => CommandWriter.Mpub(o, topic, payload));
            Assert.Equal("OK", await c.ReadResponseTextAsync());
        }
        return bodies;
    }

    /// <summary>Waits until the lookup's /lookup answer for <paramref name="topic"/> satisfies <paramref name="condition"/>
    /// (producer TCP ports, channel names).</summary>
    private async Task WaitForLookupAsync(string topic, Func<int[], string[], bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        var last = "";
        while (true)
        {
            using var res = await _http.GetAsync(new Uri($"http://127.0.0.1:{LookupHttpPort}/lookup?topic={topic}"));
            last = $"{(int)res.StatusCode} {await res.Content.ReadAsStringAsync()}";
            if (res.IsSuccessStatusCode)
            {
                using var doc = JsonDocument.Parse(await res.Content.ReadAsStringAsync());
                var ports = doc.RootElement.GetProperty("producers").EnumerateArray().Select(p => p.GetProperty("tcp_port").GetInt32()).Order().ToArray();
                var channels = doc.RootElement.GetProperty("channels").EnumerateArray().Select(c => c.GetString()!).ToArray();
                if (condition(ports, channels)) return;
            }
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}; last /lookup: {last}");
            await Task.Delay(25);
        }
    }

    private int[] BrokerPorts => [.. _brokers.Select(b => b.Tcp.Port).Order()];

    private string[] BrokerAddresses => [.. _brokers.Select(b => $"127.0.0.1:{b.Tcp.Port}").Order(StringComparer.Ordinal)];

    [Fact]
    public async Task Nsqjs_reader_via_lookupd_consumes_from_both_brokers_exactly_once()
    {
        const string topic = "lookupd_split";
        const int perBroker = 100;
        var expected = new List<string>();
        for (var i = 0; i < _brokers.Count; i++) expected.AddRange(await PublishAsync(_brokers[i], topic, $"b{i}", perBroker));
        await WaitForLookupAsync(topic, (ports, _) => ports.SequenceEqual(BrokerPorts), "both brokers listed as producers");

        var o = await NsqjsTests.RunScriptAsync(LookupHttpPort, "plain", expected.Count, "lookup-consume", topic);

        NsqjsTests.AssertExactlyOnce(expected, o.Received);
        Assert.All(o.Attempts, a => Assert.Equal(1, a));
        Assert.Equal(BrokerAddresses, o.Nsqds!.Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Nsqjs_reader_discovers_a_broker_that_gets_the_topic_later()
    {
        const string topic = "lookupd_late";
        const int perBroker = 40;
        var expected = await PublishAsync(_brokers[0], topic, "early", perBroker);
        await WaitForLookupAsync(topic, (ports, _) => ports.SequenceEqual([_brokers[0].Tcp.Port]), "the first broker listed");

        var consuming = NsqjsTests.RunScriptAsync(LookupHttpPort, "plain", 2 * perBroker, "lookup-consume", topic);
        // nsqjs has subscribed on the first broker (its channel is registered) before the second broker has the topic.
        await WaitForLookupAsync(topic, (_, channels) => channels.Contains("nsqjs"), "nsqjs's channel registered by the first broker");
        expected.AddRange(await PublishAsync(_brokers[1], topic, "late", perBroker));

        var o = await consuming;
        NsqjsTests.AssertExactlyOnce(expected, o.Received);
        Assert.Equal(BrokerAddresses, o.Nsqds!.Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(perBroker.ToString(CultureInfo.InvariantCulture), o.Received.Count(r => r.StartsWith("late-", StringComparison.Ordinal)).ToString(CultureInfo.InvariantCulture));
    }
}
