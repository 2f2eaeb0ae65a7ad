using Lookup.Core.Registry;
using Nsq.Protocol.Lookup;

namespace Lookup.Core.Tests.Redis;

/// <summary>
/// The <see cref="IRegistrationStore"/> contract (spec §6.1, nsqlookupd's RegistrationDB), run against every store:
/// <see cref="MemoryStoreContractTests"/> and <see cref="RedisStoreContractTests"/>.
/// </summary>
public abstract class RegistrationStoreContractTests : IAsyncLifetime
{
    private IRegistrationStore? _store;

    protected IRegistrationStore Store => _store ?? throw new InvalidOperationException("not initialized");

    protected abstract Task<IRegistrationStore> CreateStoreAsync();

    protected virtual Task DisposeStoreAsync(IRegistrationStore store) => Task.CompletedTask;

    public async Task InitializeAsync() => _store = await CreateStoreAsync();

    public Task DisposeAsync() => _store is null ? Task.CompletedTask : DisposeStoreAsync(_store);

    internal static ProducerRecord Producer(string peerId, string broadcast = "10.0.0.1", int httpPort = 4151, long lastUpdateNs = 1_700_000_000_123_456_789)
        => new()
        {
            PeerId = peerId,
            LastUpdateNs = lastUpdateNs,
            Info = new PeerInfo
            {
                RemoteAddress = peerId,
                Hostname = "host-" + broadcast,
                BroadcastAddress = broadcast,
                TcpPort = httpPort - 1,
                HttpPort = httpPort,
                Version = "1.3.0",
                TopologyZone = "zone-a",
                TopologyRegion = "region-1",
            },
        };

    internal static void AssertSame(ProducerRecord expected, ProducerRecord actual)
    {
        Assert.Equal(expected.PeerId, actual.PeerId);
        Assert.Equal(expected.LastUpdateNs, actual.LastUpdateNs);
        Assert.Equal(expected.Tombstoned, actual.Tombstoned);
        Assert.Equal(expected.TombstonedAtNs, actual.TombstonedAtNs);
        Assert.Equal(expected.Info.RemoteAddress, actual.Info.RemoteAddress);
        Assert.Equal(expected.Info.Hostname, actual.Info.Hostname);
        Assert.Equal(expected.Info.BroadcastAddress, actual.Info.BroadcastAddress);
        Assert.Equal(expected.Info.TcpPort, actual.Info.TcpPort);
        Assert.Equal(expected.Info.HttpPort, actual.Info.HttpPort);
        Assert.Equal(expected.Info.Version, actual.Info.Version);
        Assert.Equal(expected.Info.TopologyZone, actual.Info.TopologyZone);
        Assert.Equal(expected.Info.TopologyRegion, actual.Info.TopologyRegion);
    }

    internal static Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what) => Poll.UntilAsync(condition, what, timeout);

    private static string[] Ids(IEnumerable<ProducerRecord> producers) => [.. producers.Select(p => p.PeerId).Order(StringComparer.Ordinal)];

    [Fact]
    public async Task AddRegistration_adds_an_empty_key_once()
    {
        Assert.True(await Store.AddRegistrationAsync(Registration.Topic("t")));
        Assert.False(await Store.AddRegistrationAsync(Registration.Topic("t")));
        Assert.Equal([Registration.Topic("t")], await Store.FindRegistrationsAsync("topic", "t", ""));
        Assert.Empty(await Store.FindProducersAsync("topic", "t", ""));
        Assert.Empty(await Store.FindRegistrationsAsync("topic", "other", ""));
    }

    [Fact]
    public async Task AddProducer_creates_the_key_and_round_trips_the_record()
    {
        var p = Producer("127.0.0.1:5001");
        Assert.True(await Store.AddProducerAsync(Registration.Topic("t"), p));
        Assert.Equal([Registration.Topic("t")], await Store.FindRegistrationsAsync("topic", "t", ""));
        var found = Assert.Single(await Store.FindProducersAsync("topic", "t", ""));
        AssertSame(p, found);
    }

    [Fact]
    public async Task AddProducer_again_keeps_the_existing_producer()
    {
        var first = Producer("127.0.0.1:5001", lastUpdateNs: 1);
        Assert.True(await Store.AddProducerAsync(Registration.Topic("t"), first));
        Assert.False(await Store.AddProducerAsync(Registration.Topic("t"), Producer("127.0.0.1:5001", lastUpdateNs: 2)));
        AssertSame(first, Assert.Single(await Store.FindProducersAsync("topic", "t", "")));
    }

    [Fact]
    public async Task RemoveProducer_returns_how_many_are_left_and_keeps_the_key()
    {
        var t = Registration.Topic("t");
        await Store.AddProducerAsync(t, Producer("127.0.0.1:5001"));
        await Store.AddProducerAsync(t, Producer("127.0.0.1:5002", "10.0.0.2"));
        Assert.Equal(1, await Store.RemoveProducerAsync(t, "127.0.0.1:5001"));
        Assert.Equal(1, await Store.RemoveProducerAsync(t, "127.0.0.1:5001"));
        Assert.Equal(["127.0.0.1:5002"], Ids(await Store.FindProducersAsync("topic", "t", "")));
        Assert.Equal(0, await Store.RemoveProducerAsync(t, "127.0.0.1:5002"));
        Assert.Equal([t], await Store.FindRegistrationsAsync("topic", "t", ""));
        Assert.Equal(0, await Store.RemoveProducerAsync(Registration.Topic("never"), "127.0.0.1:5002"));
        Assert.Empty(await Store.LookupPeerAsync("127.0.0.1:5002"));
    }

    [Fact]
    public async Task RemoveRegistration_drops_the_key_and_its_producers()
    {
        var ch = Registration.Channel("t", "c");
        await Store.AddProducerAsync(Registration.Topic("t"), Producer("127.0.0.1:5001"));
        await Store.AddProducerAsync(ch, Producer("127.0.0.1:5001"));
        await Store.RemoveRegistrationAsync(ch);
        Assert.Empty(await Store.FindRegistrationsAsync("channel", "t", "*"));
        Assert.Empty(await Store.FindProducersAsync("channel", "t", "c"));
        Assert.Equal([Registration.Topic("t")], (await Store.LookupPeerAsync("127.0.0.1:5001")).Select(x => x.Registration));
        await Store.RemoveRegistrationAsync(Registration.Topic("absent"));
    }

    [Fact]
    public async Task Touch_sets_last_update_everywhere_the_peer_is_registered()
    {
        const string peer = "127.0.0.1:5001";
        foreach (var r in new[] { Registration.Client, Registration.Topic("t"), Registration.Channel("t", "c") })
        {
            await Store.AddProducerAsync(r, Producer(peer, lastUpdateNs: 10));
        }
        await Store.AddProducerAsync(Registration.Topic("t"), Producer("127.0.0.1:5002", lastUpdateNs: 10));

        await Store.TouchAsync(peer, 1_800_000_000_987_654_321);

        var regs = await Store.LookupPeerAsync(peer);
        Assert.Equal(3, regs.Count);
        Assert.All(regs, x => Assert.Equal(1_800_000_000_987_654_321, x.Producer.LastUpdateNs));
        Assert.All(await Store.LookupPeerAsync("127.0.0.1:5002"), x => Assert.Equal(10, x.Producer.LastUpdateNs));
        await Store.TouchAsync("127.0.0.1:9999", 5);
    }

    [Fact]
    public async Task Tombstone_marks_the_matching_node_on_the_topic_key_only()
    {
        var t = Registration.Topic("t");
        var ch = Registration.Channel("t", "c");
        await Store.AddProducerAsync(t, Producer("127.0.0.1:5001", "10.0.0.1", 4151));
        await Store.AddProducerAsync(ch, Producer("127.0.0.1:5001", "10.0.0.1", 4151));
        await Store.AddProducerAsync(t, Producer("127.0.0.1:5002", "10.0.0.2", 4151));
        await Store.AddProducerAsync(Registration.Topic("other"), Producer("127.0.0.1:5001", "10.0.0.1", 4151));

        await Store.TombstoneAsync("t", "10.0.0.1:4151", 1_750_000_000_000_000_001);
        await Store.TombstoneAsync("t", "10.0.0.9:4151", 5);

        var producers = (await Store.FindProducersAsync("topic", "t", "")).ToDictionary(p => p.PeerId);
        Assert.True(producers["127.0.0.1:5001"].Tombstoned);
        Assert.Equal(1_750_000_000_000_000_001, producers["127.0.0.1:5001"].TombstonedAtNs);
        Assert.Equal(1_700_000_000_123_456_789, producers["127.0.0.1:5001"].LastUpdateNs);
        Assert.False(producers["127.0.0.1:5002"].Tombstoned);
        Assert.False(Assert.Single(await Store.FindProducersAsync("channel", "t", "c")).Tombstoned);
        Assert.False(Assert.Single(await Store.FindProducersAsync("topic", "other", "")).Tombstoned);

        // A repeated REGISTER keeps the tombstone; a touch keeps it too.
        await Store.AddProducerAsync(t, Producer("127.0.0.1:5001", "10.0.0.1", 4151));
        await Store.TouchAsync("127.0.0.1:5001", 42);
        var after = (await Store.FindProducersAsync("topic", "t", "")).Single(p => p.PeerId == "127.0.0.1:5001");
        Assert.True(after.Tombstoned);
        Assert.Equal(42, after.LastUpdateNs);
    }

    [Fact]
    public async Task RemovePeer_removes_it_from_every_registration_and_keeps_the_keys()
    {
        const string peer = "127.0.0.1:5001";
        var regs = new[] { Registration.Client, Registration.Topic("t"), Registration.Channel("t", "c"), Registration.Topic("u") };
        foreach (var r in regs) await Store.AddProducerAsync(r, Producer(peer));
        await Store.AddProducerAsync(Registration.Topic("t"), Producer("127.0.0.1:5002", "10.0.0.2"));

        await Store.RemovePeerAsync(peer);

        Assert.Empty(await Store.LookupPeerAsync(peer));
        Assert.Empty(await Store.FindProducersAsync("client", "", ""));
        Assert.Equal(["127.0.0.1:5002"], Ids(await Store.FindProducersAsync("topic", "*", "")));
        Assert.Equal(2, (await Store.FindRegistrationsAsync("topic", "*", "")).Count);
        Assert.Single(await Store.FindRegistrationsAsync("channel", "t", "*"));
        Assert.Single(await Store.FindRegistrationsAsync("client", "", ""));
        await Store.RemovePeerAsync("127.0.0.1:9999");
    }

    [Fact]
    public async Task Find_with_wildcards_matches_and_deduplicates_producers()
    {
        await Store.AddProducerAsync(Registration.Channel("t", "c1"), Producer("127.0.0.1:5001"));
        await Store.AddProducerAsync(Registration.Channel("t", "c2"), Producer("127.0.0.1:5001"));
        await Store.AddProducerAsync(Registration.Channel("t", "c2"), Producer("127.0.0.1:5002", "10.0.0.2"));
        await Store.AddProducerAsync(Registration.Channel("u", "c1"), Producer("127.0.0.1:5003", "10.0.0.3"));
        await Store.AddRegistrationAsync(Registration.Topic("t"));
        await Store.AddRegistrationAsync(Registration.Topic("u#ephemeral"));

        Assert.Equal(["c1", "c2"], (await Store.FindRegistrationsAsync("channel", "t", "*")).Select(r => r.SubKey).Order(StringComparer.Ordinal));
        Assert.Equal(["t", "u#ephemeral"], (await Store.FindRegistrationsAsync("topic", "*", "")).Select(r => r.Key).Order(StringComparer.Ordinal));
        Assert.Equal(3, (await Store.FindRegistrationsAsync("channel", "*", "*")).Count);
        Assert.Equal(2, (await Store.FindRegistrationsAsync("channel", "*", "c1")).Count);
        Assert.Empty(await Store.FindRegistrationsAsync("topic", "*", "x"));
        Assert.Equal(["127.0.0.1:5001", "127.0.0.1:5002"], Ids(await Store.FindProducersAsync("channel", "t", "*")));
        Assert.Equal(["127.0.0.1:5001", "127.0.0.1:5002", "127.0.0.1:5003"], Ids(await Store.FindProducersAsync("channel", "*", "*")));
        Assert.Equal(["127.0.0.1:5001", "127.0.0.1:5003"], Ids(await Store.FindProducersAsync("channel", "*", "c1")));
        Assert.Empty(await Store.FindProducersAsync("topic", "*", ""));
    }

    [Fact]
    public async Task LookupPeer_lists_the_registrations_the_peer_holds()
    {
        const string peer = "[::1]:5001";
        var regs = new[] { Registration.Client, Registration.Topic("t"), Registration.Channel("t", "c") };
        foreach (var r in regs) await Store.AddProducerAsync(r, Producer(peer));
        await Store.AddProducerAsync(Registration.Topic("u"), Producer("127.0.0.1:5002"));

        var found = await Store.LookupPeerAsync(peer);
        Assert.Equal(regs.OrderBy(r => r.ToString(), StringComparer.Ordinal), found.Select(x => x.Registration).OrderBy(r => r.ToString(), StringComparer.Ordinal));
        Assert.All(found, x => AssertSame(Producer(peer), x.Producer));
        Assert.Empty(await Store.LookupPeerAsync("127.0.0.1:9999"));
    }

    [Fact]
    public async Task Changed_is_raised_with_the_topic()
    {
        var seen = new System.Collections.Concurrent.ConcurrentQueue<string>();
        Store.Changed += seen.Enqueue;
        await Store.AddProducerAsync(Registration.Channel("t1", "c"), Producer("127.0.0.1:5001"));
        await WaitUntilAsync(() => seen.Contains("t1"), TimeSpan.FromSeconds(1), "Changed(t1)");
        await Store.AddRegistrationAsync(Registration.Topic("t2"));
        await WaitUntilAsync(() => seen.Contains("t2"), TimeSpan.FromSeconds(1), "Changed(t2)");
        await Store.RemovePeerAsync("127.0.0.1:5001");
        await Store.RemoveRegistrationAsync(Registration.Topic("t2"));
        await WaitUntilAsync(() => seen.Count(t => t == "t2") >= 2 && seen.Count(t => t == "t1") >= 2, TimeSpan.FromSeconds(1), "Changed after removals");
    }
}

/// <summary>The contract against nsqlookupd's in-memory map.</summary>
public sealed class MemoryStoreContractTests : RegistrationStoreContractTests
{
    protected override Task<IRegistrationStore> CreateStoreAsync() => Task.FromResult<IRegistrationStore>(new MemoryRegistrationStore());
}

/// <summary>The contract against the Redis store (each test in its own key prefix on the shared server).</summary>
[Collection(RedisServerGroup.Name)]
public sealed class RedisStoreContractTests(RedisServerFixture redis) : RegistrationStoreContractTests
{
    private StackExchange.Redis.ConnectionMultiplexer? _connection;

    protected override async Task<IRegistrationStore> CreateStoreAsync()
    {
        _connection = await redis.ConnectAsync();
        return new RedisRegistrationStore(_connection, RedisServerFixture.NewPrefix());
    }

    protected override async Task DisposeStoreAsync(IRegistrationStore store)
    {
        await ((RedisRegistrationStore)store).DisposeAsync();
        if (_connection is not null) await _connection.DisposeAsync();
    }
}
