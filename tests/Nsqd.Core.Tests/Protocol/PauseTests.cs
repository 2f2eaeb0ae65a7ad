using Nsqd.Core.Tests.Infrastructure;
using static Nsqd.Core.Tests.Infrastructure.ProtocolAssertions;

namespace Nsqd.Core.Tests.Protocol;

/// <summary>Spec §1.10, driven through the engine (the HTTP endpoints call the same methods).</summary>
public class PauseTests
{
    [Fact]
    public async Task Paused_channel_delivers_nothing_but_accepts_fin_and_resumes_on_unpause()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var pub = await broker.ConnectAsync();
        await using var sub = await broker.ConnectAsync();
        await sub.SubscribeAsync("p", "c", rdy: 10);
        await pub.PublishAsync("p", "before");
        var m = await sub.ReadMessageAsync();
        var channel = broker.Server.Broker.FindTopic("p")!.FindChannel("c")!;
        channel.SetPaused(true);
        await pub.PublishManyAsync("p", ["p1", "p2"]);
        await sub.AssertNothingWithinAsync(Short);
        await sub.FinAsync(m.Id);
        await sub.AssertStillWorksAsync();
        Assert.Equal((2L, 0), (channel.Snapshot().Depth, channel.Snapshot().InFlight));
        channel.SetPaused(false);
        Assert.Equal(["p1", "p2"], (await sub.ReadMessagesAsync(2)).Select(x => x.Text()));
    }

    [Fact]
    public async Task Paused_topic_keeps_accepting_publishes_and_holds_them_until_unpaused()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var pub = await broker.ConnectAsync();
        await using var a = await broker.ConnectAsync();
        await using var b = await broker.ConnectAsync();
        await a.SubscribeAsync("tp", "a", rdy: 10);
        await b.SubscribeAsync("tp", "b", rdy: 10);
        var topic = broker.Server.Broker.FindTopic("tp")!;
        topic.SetPaused(true);
        await pub.PublishManyAsync("tp", ["x", "y"]);
        await pub.PublishAsync("tp", "z");
        await a.AssertNothingWithinAsync(Short);
        Assert.Equal(3, topic.Depth().Depth);
        topic.SetPaused(false);
        foreach (var c in new[] { a, b })
            Assert.Equal(["x", "y", "z"], (await c.ReadMessagesAsync(3)).Select(m => m.Text()));
        Assert.Equal(0, topic.Depth().Depth);
    }

    [Fact]
    public async Task Paused_state_survives_a_restart()
    {
        await using var broker = await TestBroker.StartAsync();
        await using (var c = await broker.ConnectAsync())
        {
            await c.SubscribeAsync("pr", "c");
            await c.PublishAsync("pr", "held");
        }
        broker.Server.Broker.FindTopic("pr")!.FindChannel("c")!.SetPaused(true);
        broker.Server.Broker.OnMetadataChanged();
        await broker.RestartAsync();
        var channel = broker.Server.Broker.FindTopic("pr")!.FindChannel("c")!;
        Assert.True(channel.IsPaused);
        await using var sub = await broker.ConnectAsync();
        await sub.SubscribeAsync("pr", "c", rdy: 1);
        await sub.AssertNothingWithinAsync(Short);
        channel.SetPaused(false);
        Assert.Equal("held", (await sub.ReadMessageAsync()).Text());
    }
}
