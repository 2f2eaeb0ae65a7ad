using System.Collections.Concurrent;
using Lookup.Core.Registry;
using StackExchange.Redis;
using static Lookup.Core.Tests.Redis.RegistrationStoreContractTests;

namespace Lookup.Core.Tests.Redis;

/// <summary>Several lookup replicas sharing one Redis: each "replica" is a store on its own multiplexer.</summary>
[Collection(RedisServerGroup.Name)]
public sealed class RedisReplicaTests(RedisServerFixture redis) : IAsyncLifetime
{
    private readonly string _prefix = RedisServerFixture.NewPrefix();
    private readonly List<IAsyncDisposable> _disposables = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        for (var i = _disposables.Count - 1; i >= 0; i--) await _disposables[i].DisposeAsync();
    }

    private async Task<RedisRegistrationStore> ReplicaAsync(TimeSpan? peerTtl = null)
    {
        var connection = await redis.ConnectAsync();
        _disposables.Add(connection);
        var store = new RedisRegistrationStore(connection, _prefix)
        {
            PeerTtl = peerTtl ?? TimeSpan.FromMinutes(15),
            SweepInterval = TimeSpan.Zero,
        };
        _disposables.Add(store);
        return store;
    }

    private static string[] Ids(IEnumerable<ProducerRecord> producers) => [.. producers.Select(p => p.PeerId).Order(StringComparer.Ordinal)];

    [Fact]
    public async Task Replicas_answer_from_the_union_of_their_writes()
    {
        var a = await ReplicaAsync();
        var b = await ReplicaAsync();
        await a.AddProducerAsync(Registration.Client, Producer("127.0.0.1:5001"));
        await a.AddProducerAsync(Registration.Topic("t"), Producer("127.0.0.1:5001"));
        await b.AddProducerAsync(Registration.Client, Producer("127.0.0.1:5002", "10.0.0.2"));
        await b.AddProducerAsync(Registration.Channel("t", "c"), Producer("127.0.0.1:5002", "10.0.0.2"));
        await b.AddProducerAsync(Registration.Topic("t"), Producer("127.0.0.1:5002", "10.0.0.2"));

        foreach (var store in new[] { a, b })
        {
            Assert.Equal(["127.0.0.1:5001", "127.0.0.1:5002"], Ids(await store.FindProducersAsync("topic", "t", "")));
            Assert.Equal(["127.0.0.1:5001", "127.0.0.1:5002"], Ids(await store.FindProducersAsync("client", "", "")));
            Assert.Equal(["c"], (await store.FindRegistrationsAsync("channel", "t", "*")).Select(r => r.SubKey));
        }

        await a.TombstoneAsync("t", "10.0.0.2:4151", 7);
        Assert.True((await a.FindProducersAsync("topic", "t", "")).Single(p => p.PeerId == "127.0.0.1:5002").Tombstoned);
        await b.TouchAsync("127.0.0.1:5002", 99);
        Assert.All(await a.LookupPeerAsync("127.0.0.1:5002"), x => Assert.Equal(99, x.Producer.LastUpdateNs));

        await a.RemovePeerAsync("127.0.0.1:5001");
        Assert.Equal(["127.0.0.1:5002"], Ids(await b.FindProducersAsync("topic", "*", "")));
        Assert.Equal(["127.0.0.1:5002"], Ids(await b.FindProducersAsync("client", "", "")));
    }

    [Fact]
    public async Task A_restarted_replica_answers_at_once_from_redis()
    {
        var first = await ReplicaAsync();
        await first.AddProducerAsync(Registration.Topic("t"), Producer("127.0.0.1:5001"));
        await first.AddRegistrationAsync(Registration.Channel("t", "c"));
        await first.TombstoneAsync("t", "10.0.0.1:4151", 123);
        await first.DisposeAsync();

        var restarted = await ReplicaAsync();
        var producer = Assert.Single(await restarted.FindProducersAsync("topic", "t", ""));
        Assert.True(producer.Tombstoned);
        Assert.Equal(123, producer.TombstonedAtNs);
        Assert.Single(await restarted.FindRegistrationsAsync("channel", "t", "c"));
        Assert.Single(await restarted.LookupPeerAsync("127.0.0.1:5001"));
    }

    [Fact]
    public async Task Changed_reaches_every_replica_within_a_second()
    {
        var a = await ReplicaAsync();
        var b = await ReplicaAsync();
        var onA = new ConcurrentQueue<string>();
        var onB = new ConcurrentQueue<string>();
        a.Changed += onA.Enqueue;
        b.Changed += onB.Enqueue;

        await a.AddProducerAsync(Registration.Channel("t", "c"), Producer("127.0.0.1:5001"));
        await WaitUntilAsync(() => onB.Contains("t") && onA.Contains("t"), TimeSpan.FromSeconds(1), "Changed(t) on both replicas");

        await b.TombstoneAsync("t", "10.0.0.1:4151", 1); // no producer on the topic key: nothing changes
        await b.AddProducerAsync(Registration.Topic("u"), Producer("127.0.0.1:5002"));
        await WaitUntilAsync(() => onA.Contains("u"), TimeSpan.FromSeconds(1), "Changed(u) on the other replica");
        await b.AddProducerAsync(Registration.Client, Producer("127.0.0.1:5002"));
        await WaitUntilAsync(() => onA.Contains(""), TimeSpan.FromSeconds(1), "Changed(\"\") for the client key");
    }

    [Fact]
    public async Task Dead_peers_expire_on_every_replica_but_live_ones_stay()
    {
        var ttl = TimeSpan.FromMilliseconds(400);
        var a = await ReplicaAsync(ttl);
        var b = await ReplicaAsync(ttl);
        var onB = new ConcurrentQueue<string>();
        b.Changed += onB.Enqueue;
        await a.AddProducerAsync(Registration.Topic("t"), Producer("127.0.0.1:5001"));
        await a.AddProducerAsync(Registration.Channel("t", "c"), Producer("127.0.0.1:5001"));
        await b.AddProducerAsync(Registration.Topic("t"), Producer("127.0.0.1:5002", "10.0.0.2"));
        await a.DisposeAsync(); // replica a and its nsqd die: nobody calls RemovePeer for 5001

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (Ids(await b.FindProducersAsync("topic", "t", "")).Length > 1)
        {
            Assert.True(DateTime.UtcNow < deadline, "the dead peer never expired");
            await b.TouchAsync("127.0.0.1:5002", 1); // b's nsqd keeps pinging
            await Task.Delay(50);
        }

        Assert.Equal(["127.0.0.1:5002"], Ids(await b.FindProducersAsync("topic", "t", "")));
        Assert.Empty(await b.LookupPeerAsync("127.0.0.1:5001"));
        Assert.Empty(await b.FindProducersAsync("channel", "t", "c"));
        Assert.Single(await b.FindRegistrationsAsync("channel", "t", "c")); // keys stay (spec §6.1)
        await WaitUntilAsync(() => onB.Count(t => t == "t") >= 2, TimeSpan.FromSeconds(1), "Changed(t) for the expiry");

        var db = (await redis.ConnectAsync()).GetDatabase();
        Assert.False(await db.KeyExistsAsync(_prefix + "peer:127.0.0.1:5001"));
        Assert.False(await db.KeyExistsAsync(_prefix + "alive:127.0.0.1:5001"));
        Assert.False(await db.SetContainsAsync(_prefix + "peers", "127.0.0.1:5001"));
        Assert.True(await db.KeyTimeToLiveAsync(_prefix + "alive:127.0.0.1:5002") is { } left && left <= ttl);
        await db.Multiplexer.DisposeAsync();
    }

    [Fact]
    public async Task Options_constructor_derives_the_peer_ttl_and_owns_the_connection()
    {
        var connection = await redis.ConnectAsync();
        var options = new LookupOptions { InactiveProducerTimeout = TimeSpan.FromMinutes(2) };
        var store = new RedisRegistrationStore(connection, options, keyPrefix: _prefix);
        Assert.Equal(TimeSpan.FromMinutes(6), store.PeerTtl);
        Assert.True(await store.AddRegistrationAsync(Registration.Topic("t")));
        await store.DisposeAsync();
        await Assert.ThrowsAnyAsync<Exception>(() => connection.GetDatabase().PingAsync());

        using var notOwned = await redis.ConnectAsync();
        using (var s = new RedisRegistrationStore(notOwned, new LookupOptions { InactiveProducerTimeout = TimeSpan.Zero }, ownsConnection: false, _prefix))
        {
            Assert.Equal(TimeSpan.FromMinutes(1), s.PeerTtl);
        }
        using var again = new RedisRegistrationStore(notOwned, _prefix);
        Assert.Single(await again.FindRegistrationsAsync("topic", "*", "")); // the connection survived the store
    }
}
