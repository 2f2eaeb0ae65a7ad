using System.Diagnostics;
using Lookup.Core.Tests.Redis;
using Nsq.Protocol.V2;
using Xunit.Abstractions;
using static Lookup.Core.Tests.Integration.ClusterSupport;

namespace Lookup.Core.Tests.Integration;

/// <summary>
/// Two real LookupServer replicas sharing one real Redis, real brokers registering with one replica each: every replica
/// answers from the union of the registrations; a recreated replica answers from Redis at once; a dead or silent broker
/// disappears from every replica.
/// </summary>
/// <remarks>
/// A LookupServer always uses the store's default key prefix (<c>nsqlookupd:</c>; <see cref="LookupOptions"/> has no
/// prefix setting), so these tests isolate themselves with a Redis database of their own (<c>defaultDatabase</c> in the
/// connection string) whose <c>nsqlookupd:*</c> keys they delete before and after each test. The Redis collection runs
/// its tests one at a time, so nothing else writes there meanwhile.
/// </remarks>
[Collection(RedisServerGroup.Name)]
public sealed class RedisReplicaIntegrationTests(RedisServerFixture redis, ITestOutputHelper output) : IAsyncLifetime
{
    private const int Database = 9;
    private static readonly TimeSpan ShortInactiveTimeout = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan FastPing = TimeSpan.FromMilliseconds(300);

    private readonly List<TestLookup> _lookups = [];
    private readonly List<TestBroker> _brokers = [];
    private readonly List<NsqdProcess> _processes = [];

    private string RedisConnection => redis.ConnectionString + $",defaultDatabase={Database}";

    public Task InitializeAsync() => DeleteKeysAsync();

    public async Task DisposeAsync()
    {
        foreach (var b in _brokers) await b.DisposeAsync();
        foreach (var p in _processes) await p.DisposeAsync();
        foreach (var l in _lookups) await l.DisposeAsync();
        await DeleteKeysAsync();
    }

    private async Task DeleteKeysAsync()
    {
        await using var mux = await redis.ConnectAsync();
        var db = mux.GetDatabase(Database);
        foreach (var server in mux.GetServers())
            await foreach (var key in server.KeysAsync(Database, "nsqlookupd:*"))
                await db.KeyDeleteAsync(key);
    }

    private async Task<TestLookup> ReplicaAsync(TimeSpan inactiveTimeout, int tcpPort = 0, int httpPort = 0)
    {
        var lookup = await TestLookup.StartAsync(o =>
        {
            o.BroadcastAddress = "127.0.0.1"; // brokers GET /channels from broadcast_address:http_port on topic creation
            o.Redis = RedisConnection;
            o.InactiveProducerTimeout = inactiveTimeout;
            o.TcpAddress = $"127.0.0.1:{tcpPort}";
            o.HttpAddress = $"127.0.0.1:{httpPort}";
        });
        _lookups.Add(lookup);
        return lookup;
    }

    private async Task<TestBroker> BrokerAsync(TestLookup lookup)
    {
        var b = await StartBrokerAsync([lookup], FastPing);
        _brokers.Add(b);
        return b;
    }

    /// <summary>Everything a client or nsqadmin reads from one replica, as comparable text.</summary>
    private static async Task<string> SnapshotAsync(TestLookup lookup, params string[] topics)
    {
        var lines = new List<string>();
        foreach (var t in topics)
            lines.Add($"lookup {t}: {Show(await LookupAsync(lookup, t))} channels [{string.Join(",", await LookupChannelsAsync(lookup, t))}]");
        lines.Add($"topics: [{string.Join(",", await TopicsAsync(lookup))}]");
        lines.Add($"nodes: {string.Join(" | ", await NodesAsync(lookup))}");
        return string.Join("\n", lines);
    }

    private static Task WaitForSameAnswersAsync(TestLookup[] replicas, string expected, string what, params string[] topics)
        => WaitUntilAsync(async () =>
            {
                foreach (var r in replicas)
                    if (await SnapshotAsync(r, topics) != expected) return false;
                return true;
            }, what, state: async () =>
            {
                var states = new List<string>();
                foreach (var r in replicas) states.Add($"replica :{r.Server.HttpEndPoint.Port}\n{await SnapshotAsync(r, topics)}");
                return $"expected\n{expected}\ngot\n{string.Join("\n", states)}";
            });

    [Fact]
    public async Task Replicas_give_the_same_answers_and_a_recreated_replica_answers_from_redis_at_once()
    {
        var a = await ReplicaAsync(ShortInactiveTimeout);
        var b = await ReplicaAsync(ShortInactiveTimeout);
        var onA = await BrokerAsync(a);
        var onB = await BrokerAsync(b);
        await PublishAsync(onA, "rr_t", "x");
        await PublishAsync(onA, "rr_only_a", "x");
        await PublishAsync(onB, "rr_t", "y");
        await using var sub = await SubscribeAsync(onB, "rr_t", "c");

        var expected = string.Join("\n",
            $"lookup rr_t: {Show(Sorted([Node.Of(onA), Node.Of(onB)]))} channels [c]",
            $"lookup rr_only_a: {Show([Node.Of(onA)])} channels []",
            "topics: [rr_only_a,rr_t]",
            "nodes: " + string.Join(" | ", new[] { NodeLine(Node.Of(onA), "rr_only_a", "rr_t"), NodeLine(Node.Of(onB), "rr_t") }.Order(StringComparer.Ordinal)));
        await WaitForSameAnswersAsync([a, b], expected, "both replicas to answer the union of both brokers' registrations", "rr_t", "rr_only_a");

        // Stop replica A and recreate it on the same ports, on the same Redis.
        var (tcpPort, httpPort) = (a.Server.TcpEndPoint.Port, a.Server.HttpEndPoint.Port);
        var clock = Stopwatch.StartNew();
        _lookups.Remove(a);
        // Regression: a stop must end idle nsqd connections itself instead of waiting for Kestrel's 30 s shutdown timeout.
        await a.Server.StopAsync();
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"stopping a lookup with a connected broker took {clock.Elapsed}");
        await a.DisposeAsync();
        output.WriteLine($"replica A stopped in {clock.Elapsed}");
        var a2 = await ReplicaAsync(ShortInactiveTimeout, tcpPort, httpPort);

        // Its very first answers come from Redis: what broker B registered through replica B, and every topic key.
        Assert.Contains(Node.Of(onB), (await LookupAsync(a2, "rr_t"))!);
        Assert.Equal(["c"], await LookupChannelsAsync(a2, "rr_t"));
        Assert.Equal(["rr_only_a", "rr_t"], await TopicsAsync(a2));
        Assert.Contains(NodeLine(Node.Of(onB), "rr_t"), await NodesAsync(a2));

        // Broker A reconnects to the recreated replica and registers again: both replicas agree once more.
        await WaitForSameAnswersAsync([a2, b], expected, "broker A to re-register through the recreated replica", "rr_t", "rr_only_a");
        output.WriteLine($"broker A registered again {clock.Elapsed} after replica A began to stop");
    }

    [Fact]
    public async Task A_broker_registered_with_both_replicas_is_listed_once_by_each()
    {
        var a = await ReplicaAsync(TimeSpan.FromMinutes(5));
        var b = await ReplicaAsync(TimeSpan.FromMinutes(5));
        var broker = await StartBrokerAsync([a, b]);
        _brokers.Add(broker);
        await PublishAsync(broker, "both_t", "x");
        foreach (var lookup in new[] { a, b })
        {
            // Two connections (one per replica) hold two producer records in Redis; clients must see one node.
            await WaitUntilAsync(async () => (await NodesAsync(lookup)).Length == 1 && (await LookupAsync(lookup, "both_t"))?.Length == 1,
                "one producer and one node on each replica", state: async () => Show(await LookupAsync(lookup, "both_t")));
            Assert.Equal([Node.Of(broker)], (await LookupAsync(lookup, "both_t"))!);
        }
    }

    [Fact]
    public async Task A_killed_broker_process_disappears_from_every_replica()
    {
        // Default inactive-producer timeout (5 min): the process pings only every 15 s, and its disappearance must come
        // from the closed connection (the kernel closes it on SIGKILL), not from inactivity.
        var a = await ReplicaAsync(TimeSpan.FromMinutes(5));
        var b = await ReplicaAsync(TimeSpan.FromMinutes(5));
        var process = await NsqdProcess.StartAsync(dataPath: null, $"--lookupd-tcp-address=127.0.0.1:{a.Server.TcpEndPoint.Port}");
        _processes.Add(process);
        var onB = await BrokerAsync(b);
        await using (var c = await RawClient.ConnectAsync(process.Tcp))
        {
            await c.SendAsync(o => CommandWriter.Pub(o, "rk_t", "p"u8));
            Assert.Equal("OK", await c.ReadResponseTextAsync());
        }
        await PublishAsync(onB, "rk_t", "q");

        var both = string.Join("\n",
            $"lookup rk_t: {Show(Sorted([Node.Of(process), Node.Of(onB)]))} channels []",
            "topics: [rk_t]",
            "nodes: " + string.Join(" | ", new[] { NodeLine(Node.Of(process), "rk_t"), NodeLine(Node.Of(onB), "rk_t") }.Order(StringComparer.Ordinal)));
        await WaitForSameAnswersAsync([a, b], both, "both replicas to list the process broker and the in-process one", "rk_t");

        var clock = Stopwatch.StartNew();
        await process.KillAsync();

        var survivor = string.Join("\n",
            $"lookup rk_t: {Show([Node.Of(onB)])} channels []",
            "topics: [rk_t]",
            "nodes: " + NodeLine(Node.Of(onB), "rk_t"));
        await WaitForSameAnswersAsync([a, b], survivor, "the killed broker to disappear from both replicas", "rk_t");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task A_silent_broker_is_hidden_by_every_replica_after_the_inactive_producer_timeout()
    {
        var a = await ReplicaAsync(ShortInactiveTimeout);
        var b = await ReplicaAsync(ShortInactiveTimeout);
        var onA = await BrokerAsync(a);
        var onB = await BrokerAsync(b);
        await PublishAsync(onA, "ri_t", "x");
        await PublishAsync(onB, "ri_t", "y");

        string Expected(params TestBroker[] brokers) => string.Join("\n",
            $"lookup ri_t: {Show(Sorted(brokers.Select(Node.Of)))} channels []",
            "topics: [ri_t]",
            "nodes: " + string.Join(" | ", brokers.Select(x => NodeLine(Node.Of(x), "ri_t")).Order(StringComparer.Ordinal)));
        await WaitForSameAnswersAsync([a, b], Expected(onA, onB), "both brokers on both replicas", "ri_t");

        // Pings (every 300 ms, written to Redis by the replica that holds the connection) keep both visible past the timeout.
        var registered = Stopwatch.StartNew();
        await WaitUntilAsync(async () => registered.Elapsed > ShortInactiveTimeout * 1.5
                && await SnapshotAsync(a, "ri_t") == Expected(onA, onB) && await SnapshotAsync(b, "ri_t") == Expected(onA, onB),
            "both brokers to stay listed past the inactive-producer timeout");

        // Broker A stops pinging but keeps its connection (a hung process): no RemovePeer, only lastUpdate ages.
        SetPingInterval(onA.Options, TimeSpan.FromHours(1));
        var silent = Stopwatch.StartNew();
        await WaitForSameAnswersAsync([a, b], Expected(onB), "the silent broker to be hidden by both replicas", "ri_t");
        Assert.True(silent.Elapsed >= ShortInactiveTimeout - FastPing - TimeSpan.FromMilliseconds(200),
            $"hidden after {silent.Elapsed}, before the inactive-producer timeout");
        // Hidden, not removed: still in the registration DB while its connection is open (spec §6.4).
        var debug = await b.GetJsonAsync("/debug");
        Assert.Contains(debug.EnumerateObject().SelectMany(p => p.Value.EnumerateArray()),
            x => x.GetProperty("tcp_port").GetInt32() == onA.Tcp.Port);

        // It pings again (a REGISTER wakes its loop): visible again on both replicas.
        SetPingInterval(onA.Options, FastPing);
        await PublishAsync(onA, "ri_wake", "z");
        await WaitUntilAsync(async () => (await LookupAsync(a, "ri_t"))!.Contains(Node.Of(onA)) && (await LookupAsync(b, "ri_t"))!.Contains(Node.Of(onA)),
            "the broker to be listed again once it pings");
    }
}
