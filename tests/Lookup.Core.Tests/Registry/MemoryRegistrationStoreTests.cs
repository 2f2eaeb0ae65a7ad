using Lookup.Core.Registry;
using Nsq.Protocol.Lookup;

namespace Lookup.Core.Tests.Registry;

/// <summary>Spec §6.1: RegistrationDB semantics of the in-memory store.</summary>
public sealed class MemoryRegistrationStoreTests
{
    private readonly MemoryRegistrationStore _store = new();

    private static ProducerRecord Producer(string id, string broadcast = "h", int httpPort = 4151, long lastUpdate = 1)
        => new() { PeerId = id, Info = new PeerInfo { RemoteAddress = id, BroadcastAddress = broadcast, HttpPort = httpPort, TcpPort = 4150 }, LastUpdateNs = lastUpdate };

    [Fact]
    public async Task AddRegistration_adds_once()
    {
        Assert.True(await _store.AddRegistrationAsync(Registration.Topic("t")));
        Assert.False(await _store.AddRegistrationAsync(Registration.Topic("t")));
        Assert.Single(await _store.FindRegistrationsAsync("topic", "t", ""));
        Assert.Empty(await _store.FindProducersAsync("topic", "t", ""));
    }

    [Fact]
    public async Task AddProducer_creates_the_key_and_keeps_an_existing_producer()
    {
        Assert.True(await _store.AddProducerAsync(Registration.Topic("t"), Producer("p1", lastUpdate: 5)));
        Assert.False(await _store.AddProducerAsync(Registration.Topic("t"), Producer("p1", lastUpdate: 9)));
        Assert.Equal(5, Assert.Single(await _store.FindProducersAsync("topic", "t", "")).LastUpdateNs);
        Assert.True(await _store.AddProducerAsync(Registration.Topic("t"), Producer("p2")));
        Assert.Equal(2, (await _store.FindProducersAsync("topic", "t", "")).Count);
    }

    [Fact]
    public async Task RemoveProducer_returns_what_is_left_and_keeps_the_key()
    {
        await _store.AddProducerAsync(Registration.Topic("t"), Producer("p1"));
        await _store.AddProducerAsync(Registration.Topic("t"), Producer("p2"));
        Assert.Equal(1, await _store.RemoveProducerAsync(Registration.Topic("t"), "p1"));
        Assert.Equal(1, await _store.RemoveProducerAsync(Registration.Topic("t"), "p1"));
        Assert.Equal(0, await _store.RemoveProducerAsync(Registration.Topic("t"), "p2"));
        Assert.Single(await _store.FindRegistrationsAsync("topic", "t", ""));
        Assert.Equal(0, await _store.RemoveProducerAsync(Registration.Topic("missing"), "p2"));
        Assert.Empty(await _store.FindRegistrationsAsync("topic", "missing", ""));
    }

    [Fact]
    public async Task RemoveRegistration_drops_key_and_producers()
    {
        await _store.AddProducerAsync(Registration.Channel("t", "c"), Producer("p1"));
        await _store.RemoveRegistrationAsync(Registration.Channel("t", "c"));
        Assert.Empty(await _store.FindRegistrationsAsync("channel", "t", "*"));
        Assert.Empty(await _store.LookupPeerAsync("p1"));
    }

    [Fact]
    public async Task Find_with_wildcards()
    {
        await _store.AddRegistrationAsync(Registration.Channel("t1", "a"));
        await _store.AddRegistrationAsync(Registration.Channel("t1", "b"));
        await _store.AddRegistrationAsync(Registration.Channel("t2", "a"));
        await _store.AddRegistrationAsync(Registration.Topic("t1"));
        Assert.Equal(2, (await _store.FindRegistrationsAsync("channel", "t1", "*")).Count);
        Assert.Equal(2, (await _store.FindRegistrationsAsync("channel", "*", "a")).Count);
        Assert.Equal(3, (await _store.FindRegistrationsAsync("channel", "*", "*")).Count);
        Assert.Single(await _store.FindRegistrationsAsync("topic", "*", ""));
        Assert.Empty(await _store.FindRegistrationsAsync("channel", "t3", "*"));
    }

    [Fact]
    public async Task FindProducers_dedupes_by_peer_across_keys()
    {
        await _store.AddProducerAsync(Registration.Channel("t", "a"), Producer("p1"));
        await _store.AddProducerAsync(Registration.Channel("t", "b"), Producer("p1"));
        await _store.AddProducerAsync(Registration.Channel("t", "b"), Producer("p2"));
        var producers = await _store.FindProducersAsync("channel", "t", "*");
        Assert.Equal(["p1", "p2"], producers.Select(p => p.PeerId).Order());
    }

    [Fact]
    public async Task Touch_updates_every_registration_of_the_peer()
    {
        await _store.AddProducerAsync(Registration.Client, Producer("p1"));
        await _store.AddProducerAsync(Registration.Topic("t"), Producer("p1"));
        await _store.AddProducerAsync(Registration.Topic("t"), Producer("p2"));
        await _store.TouchAsync("p1", 42);
        Assert.All(await _store.LookupPeerAsync("p1"), r => Assert.Equal(42, r.Producer.LastUpdateNs));
        Assert.Equal(1, Assert.Single(await _store.LookupPeerAsync("p2")).Producer.LastUpdateNs);
    }

    [Fact]
    public async Task Tombstone_marks_only_the_matching_node_of_the_topic()
    {
        await _store.AddProducerAsync(Registration.Topic("t"), Producer("p1", "a", 4151));
        await _store.AddProducerAsync(Registration.Topic("t"), Producer("p2", "b", 4151));
        await _store.AddProducerAsync(Registration.Topic("u"), Producer("p1", "a", 4151));
        await _store.TombstoneAsync("t", "a:4151", 77);
        var t = await _store.FindProducersAsync("topic", "t", "");
        Assert.True(t.Single(p => p.PeerId == "p1") is { Tombstoned: true, TombstonedAtNs: 77 });
        Assert.False(t.Single(p => p.PeerId == "p2").Tombstoned);
        Assert.False(Assert.Single(await _store.FindProducersAsync("topic", "u", "")).Tombstoned);
        await _store.TombstoneAsync("t", "a:9999", 88);
        await _store.TombstoneAsync("missing", "a:4151", 88);
    }

    [Fact]
    public async Task RemovePeer_leaves_every_key_but_keeps_keys()
    {
        await _store.AddProducerAsync(Registration.Client, Producer("p1"));
        await _store.AddProducerAsync(Registration.Topic("t"), Producer("p1"));
        await _store.AddProducerAsync(Registration.Channel("t", "c"), Producer("p1"));
        await _store.AddProducerAsync(Registration.Topic("t"), Producer("p2"));
        await _store.RemovePeerAsync("p1");
        Assert.Empty(await _store.LookupPeerAsync("p1"));
        Assert.Single(await _store.FindRegistrationsAsync("channel", "t", "c"));
        Assert.Single(await _store.FindRegistrationsAsync("client", "", ""));
        Assert.Equal("p2", Assert.Single(await _store.FindProducersAsync("topic", "t", "")).PeerId);
    }

    [Fact]
    public async Task LookupPeer_lists_registrations_with_the_producer()
    {
        await _store.AddProducerAsync(Registration.Client, Producer("p1"));
        await _store.AddProducerAsync(Registration.Topic("t"), Producer("p1"));
        await _store.AddProducerAsync(Registration.Channel("t", "c"), Producer("p1"));
        var regs = await _store.LookupPeerAsync("p1");
        Assert.Equal([Registration.Client, Registration.Topic("t"), Registration.Channel("t", "c")], regs.Select(r => r.Registration));
        Assert.All(regs, r => Assert.Equal("p1", r.Producer.PeerId));
    }

    [Fact]
    public async Task Changed_is_raised_with_the_topic()
    {
        var seen = new List<string>();
        _store.Changed += seen.Add;
        await _store.AddRegistrationAsync(Registration.Topic("t"));
        await _store.AddRegistrationAsync(Registration.Topic("t")); // no change
        await _store.AddProducerAsync(Registration.Channel("t", "c"), Producer("p1"));
        await _store.AddProducerAsync(Registration.Client, Producer("p1"));
        await _store.TombstoneAsync("t", "h:4151", 1); // p1 is not under topic t: no change
        await _store.RemoveProducerAsync(Registration.Channel("t", "c"), "p1");
        await _store.RemoveRegistrationAsync(Registration.Topic("t"));
        Assert.Equal(["t", "t", "", "t", "t"], seen);
    }

    [Fact]
    public async Task Concurrent_writers_do_not_corrupt_the_map()
    {
        await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 200; i++)
            {
                await _store.AddProducerAsync(Registration.Topic($"t{i % 10}"), Producer($"p{w}"));
                await _store.TouchAsync($"p{w}", i);
                _ = await _store.FindProducersAsync("topic", "*", "");
                if (i % 3 == 0) await _store.RemovePeerAsync($"p{w}");
            }
        })));
        Assert.Equal(10, (await _store.FindRegistrationsAsync("topic", "*", "")).Count);
    }
}

public sealed class RegistrationStoreFactoryTests
{
    [Fact]
    public void Memory_by_default()
        => Assert.IsType<MemoryRegistrationStore>(RegistrationStoreFactory.Create(new LookupOptions()));
}
