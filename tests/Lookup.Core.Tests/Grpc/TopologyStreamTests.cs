using System.Diagnostics;
using Grpc.Core;
using Lookup.Core.Grpc;
using Lookup.Core.Grpc.V1;
using Lookup.Core.Registry;
using Nsq.Protocol.Lookup;

namespace Lookup.Core.Tests.Grpc;

public sealed class TopologyStreamTests
{
    private static ProducerRecord Producer(int n, long? lastUpdateNs = null) => new()
    {
        PeerId = $"127.0.0.1:{50000 + n}",
        LastUpdateNs = lastUpdateNs ?? TopicView.NowNs(),
        Info = new PeerInfo
        {
            RemoteAddress = $"127.0.0.1:{50000 + n}",
            Hostname = $"host{n}",
            BroadcastAddress = $"10.0.0.{n}",
            TcpPort = 4150 + (10 * n),
            HttpPort = 4151 + (10 * n),
            Version = "1.3.0",
        },
    };

    private static async Task Register(IRegistrationStore store, string topic, ProducerRecord p, string? channel = null)
    {
        await store.AddProducerAsync(Registration.Client, p);
        await store.AddProducerAsync(Registration.Topic(topic), p);
        if (channel is not null) await store.AddProducerAsync(Registration.Channel(topic, channel), p);
    }

    [Fact]
    public async Task FirstSnapshot_CarriesCurrentChannelsAndProducers()
    {
        var store = new ObservedStore();
        await Register(store, "orders", Producer(2), "billing");
        await Register(store, "orders", Producer(1), "audit");
        await Register(store, "other", Producer(3));
        await using var host = await TopologyTestHost.StartAsync(store);
        using var reader = new SnapshotReader(host.Client.WatchTopic("orders"));

        var first = await reader.NextAsync();

        Assert.Equal("orders", first.Topic);
        Assert.True(first.Exists);
        Assert.Equal(1UL, first.Sequence);
        Assert.Equal(["audit", "billing"], first.Channels);
        Assert.Equal(["10.0.0.1", "10.0.0.2"], first.Producers.Select(p => p.BroadcastAddress));
        var p1 = first.Producers[0];
        Assert.Equal(4160, p1.TcpPort);
        Assert.Equal(4161, p1.HttpPort);
        Assert.Equal("host1", p1.Hostname);
        Assert.Equal("1.3.0", p1.Version);
        Assert.Equal("127.0.0.1:50001", p1.RemoteAddress);
    }

    [Fact]
    public async Task ProducerRegisteredLater_ArrivesWithinOneSecond_AndRemovalShowsUp()
    {
        var store = new ObservedStore();
        await Register(store, "orders", Producer(1));
        await using var host = await TopologyTestHost.StartAsync(store);
        using var reader = new SnapshotReader(host.Client.WatchTopic("orders"));
        Assert.Single((await reader.NextAsync()).Producers);

        var stopwatch = Stopwatch.StartNew();
        await Register(store, "orders", Producer(2), "ch");
        var added = await reader.NextAsync();
        stopwatch.Stop();

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(1), $"took {stopwatch.Elapsed.TotalMilliseconds} ms");
        Assert.Equal(2UL, added.Sequence);
        Assert.Equal(["10.0.0.1", "10.0.0.2"], added.Producers.Select(p => p.BroadcastAddress));
        Assert.Equal(["ch"], added.Channels);

        stopwatch.Restart();
        await store.RemovePeerAsync(Producer(1).PeerId);
        var removed = await reader.NextAsync();
        stopwatch.Stop();

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(1), $"took {stopwatch.Elapsed.TotalMilliseconds} ms");
        Assert.Equal(3UL, removed.Sequence);
        Assert.Equal(["10.0.0.2"], removed.Producers.Select(p => p.BroadcastAddress));
    }

    [Fact]
    public async Task ChangesOfOtherTopics_SendNothing()
    {
        var store = new ObservedStore();
        await Register(store, "orders", Producer(1));
        await using var host = await TopologyTestHost.StartAsync(store);
        using var reader = new SnapshotReader(host.Client.WatchTopic("orders"));
        await reader.NextAsync();

        for (var i = 0; i < 20; i++) await Register(store, "payments", Producer(10 + i), $"c{i}");
        store.RaiseChanged(""); // "topic unknown": re-read, but the state is equal, so nothing is sent
        store.RaiseChanged("orders"); // a change event for the topic with no actual change: nothing either

        Assert.Null(await reader.TryNextAsync(TimeSpan.FromMilliseconds(400)));

        await Register(store, "orders", Producer(2));
        var next = await reader.NextAsync();
        Assert.Equal(2UL, next.Sequence);
        Assert.Equal(2, next.Producers.Count);
    }

    [Fact]
    public async Task BurstOfChanges_IsCoalesced()
    {
        var store = new ObservedStore();
        await store.AddRegistrationAsync(Registration.Topic("orders"));
        await using var host = await TopologyTestHost.StartAsync(store);
        using var reader = new SnapshotReader(host.Client.WatchTopic("orders"));
        Assert.Empty((await reader.NextAsync()).Producers);

        for (var i = 1; i <= 10; i++) await Register(store, "orders", Producer(i), "ch");

        var snapshots = new List<TopicSnapshot>();
        while (await reader.TryNextAsync(TimeSpan.FromMilliseconds(400)) is { } s) snapshots.Add(s);
        Assert.InRange(snapshots.Count, 1, 2);
        Assert.Equal(10, snapshots[^1].Producers.Count);
        Assert.True(store.ChangeCount >= 30);
    }

    [Fact]
    public async Task UnknownTopic_StartsAsMissing_ThenAppears()
    {
        var store = new ObservedStore();
        await using var host = await TopologyTestHost.StartAsync(store);
        using var reader = new SnapshotReader(host.Client.WatchTopic("later"));

        var first = await reader.NextAsync();
        Assert.False(first.Exists);
        Assert.Empty(first.Producers);

        await store.AddRegistrationAsync(Registration.Topic("later"));
        var created = await reader.NextAsync();
        Assert.True(created.Exists);
        Assert.Empty(created.Producers);

        await store.RemoveRegistrationAsync(Registration.Topic("later"));
        Assert.False((await reader.NextAsync()).Exists);
    }

    [Fact]
    public async Task Tombstone_HidesProducer_UntilItsLifetimeEnds_WithoutAnyEvent()
    {
        var store = new ObservedStore();
        await Register(store, "orders", Producer(1));
        await Register(store, "orders", Producer(2));
        var options = new TopologyOptions { TombstoneLifetime = TimeSpan.FromMilliseconds(600) };
        await using var host = await TopologyTestHost.StartAsync(store, options);
        using var reader = new SnapshotReader(host.Client.WatchTopic("orders"));
        Assert.Equal(2, (await reader.NextAsync()).Producers.Count);

        await store.TombstoneAsync("orders", "10.0.0.1:4161", TopicView.NowNs());
        var tombstoned = await reader.NextAsync();
        Assert.Equal(["10.0.0.2"], tombstoned.Producers.Select(p => p.BroadcastAddress));

        var changes = store.ChangeCount;
        var back = await reader.NextAsync(TimeSpan.FromSeconds(3));
        Assert.Equal(changes, store.ChangeCount);
        Assert.Equal(["10.0.0.1", "10.0.0.2"], back.Producers.Select(p => p.BroadcastAddress));
    }

    [Fact]
    public async Task InactiveProducer_IsHidden_AndDropsOutWhenItsTimeoutPasses()
    {
        var store = new ObservedStore();
        var timeout = TimeSpan.FromSeconds(1);
        await Register(store, "orders", Producer(1, TopicView.NowNs() - (2 * timeout.Ticks * 100))); // long inactive
        await Register(store, "orders", Producer(2, TopicView.NowNs() - (timeout.Ticks * 100 / 2))); // half-way
        await Register(store, "orders", Producer(3)); // fresh
        var options = new TopologyOptions { InactiveProducerTimeout = timeout };
        await using var host = await TopologyTestHost.StartAsync(store, options);
        using var reader = new SnapshotReader(host.Client.WatchTopic("orders"));

        Assert.Equal(["10.0.0.2", "10.0.0.3"], (await reader.NextAsync()).Producers.Select(p => p.BroadcastAddress));
        await store.TouchAsync(Producer(3).PeerId, TopicView.NowNs() + (timeout.Ticks * 100 * 10));
        var later = await reader.NextAsync(TimeSpan.FromSeconds(3));
        Assert.Equal(["10.0.0.3"], later.Producers.Select(p => p.BroadcastAddress));
    }

    [Fact]
    public async Task InvalidTopicName_IsRejected()
    {
        await using var host = await TopologyTestHost.StartAsync(new ObservedStore());
        using var call = host.Client.WatchTopic("bad name!");
        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
    }

    [Fact]
    public async Task ListTopics_ReturnsEveryTopicKeySorted()
    {
        var store = new ObservedStore();
        await Register(store, "zeta", Producer(1), "c");
        await store.AddRegistrationAsync(Registration.Topic("alpha"));
        await store.AddRegistrationAsync(Registration.Channel("mid", "c")); // channel key only: not a topic key
        await using var host = await TopologyTestHost.StartAsync(store);

        var response = await host.Client.ListTopicsAsync();

        Assert.Equal(["alpha", "zeta"], response.Topics);
    }

    [Fact]
    public void Proto_DeclaresTheServiceUnderItsPackage()
    {
        var service = Assert.Single(TopologyReflection.Descriptor.Services);
        Assert.Equal("nsqaspire.lookup.v1.Topology", service.FullName);
        Assert.Equal(["WatchTopic", "ListTopics"], service.Methods.Select(m => m.Name));
        Assert.True(service.FindMethodByName("WatchTopic").IsServerStreaming);
    }
}
