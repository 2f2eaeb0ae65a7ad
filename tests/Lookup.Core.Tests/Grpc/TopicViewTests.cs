using Lookup.Core.Grpc;
using Lookup.Core.Registry;
using Nsq.Protocol.Lookup;

namespace Lookup.Core.Tests.Grpc;

/// <summary>The /lookup producer filter (spec §6.3, §6.4) shared by the HTTP API and the topology stream.</summary>
public sealed class TopicViewTests
{
    private const long Second = 1_000_000_000;
    private static readonly TimeSpan Inactive = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan Tombstone = TimeSpan.FromSeconds(45);
    private const long Now = 1_800_000_000 * Second;

    private static ProducerRecord P(string id, long lastUpdateNs, bool tombstoned = false, long tombstonedAtNs = 0) => new()
    {
        PeerId = id,
        Info = new PeerInfo { RemoteAddress = id, BroadcastAddress = id, TcpPort = 4150, HttpPort = 4151 },
        LastUpdateNs = lastUpdateNs,
        Tombstoned = tombstoned,
        TombstonedAtNs = tombstonedAtNs,
    };

    [Theory]
    [InlineData(0, true)]
    [InlineData(300, true)] // exactly the timeout old: still shown (nsqlookupd hides only when older)
    [InlineData(301, false)]
    public void InactiveTimeout(long ageSeconds, bool shown)
        => Assert.Equal(shown, TopicView.IsActive(P("a", Now - (ageSeconds * Second)), Inactive, Tombstone, Now));

    [Theory]
    [InlineData(0, false)]
    [InlineData(44, false)]
    [InlineData(45, true)] // a tombstone exactly its lifetime old no longer hides
    [InlineData(100, true)]
    public void TombstoneLifetime(long tombstoneAgeSeconds, bool shown)
        => Assert.Equal(shown, TopicView.IsActive(P("a", Now, true, Now - (tombstoneAgeSeconds * Second)), Inactive, Tombstone, Now));

    [Fact]
    public async Task Build_MissingTopic_IsNotFound()
    {
        var view = await TopicView.BuildAsync(new ObservedStore(), "nope", Inactive, Tombstone, Now);
        Assert.False(view.Exists);
        Assert.Empty(view.Channels);
        Assert.Empty(view.PeerInfos);
    }

    [Fact]
    public async Task Build_FiltersAndSorts()
    {
        var store = new ObservedStore();
        await store.AddProducerAsync(Registration.Topic("t"), P("b", Now));
        await store.AddProducerAsync(Registration.Topic("t"), P("a", Now - Second));
        await store.AddProducerAsync(Registration.Topic("t"), P("old", Now - (400 * Second)));
        await store.AddProducerAsync(Registration.Topic("t"), P("tomb", Now, true, Now - Second));
        await store.AddRegistrationAsync(Registration.Channel("t", "z"));
        await store.AddRegistrationAsync(Registration.Channel("t", "m"));
        await store.AddRegistrationAsync(Registration.Channel("u", "other"));

        var view = await TopicView.BuildAsync(store, "t", Inactive, Tombstone, Now);

        Assert.True(view.Exists);
        Assert.Equal(["m", "z"], view.Channels);
        Assert.Equal(["a", "b"], view.PeerInfos.Select(p => p.RemoteAddress));
        Assert.Equal(4, view.Registered.Count);
    }

    [Fact]
    public void NextFilterDeadline_IsTheEarliestVerdictChange()
    {
        var producers = new[]
        {
            P("fresh", Now - Second), // goes inactive at Now + 299 s (+1 ns)
            P("tomb", Now, true, Now - (40 * Second)), // tombstone expires at Now + 5 s
        };
        Assert.Equal(Now + (5 * Second), TopicView.NextFilterDeadlineNs(producers, Inactive, Tombstone, Now));
        Assert.Null(TopicView.NextFilterDeadlineNs([P("old", Now - (400 * Second))], Inactive, Tombstone, Now));
    }
}
