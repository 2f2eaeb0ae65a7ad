using Nsqd.Core.Tests.Infrastructure;
using static Nsqd.Core.Tests.Infrastructure.ProtocolAssertions;

namespace Nsqd.Core.Tests.Protocol;

/// <summary>Spec §1.3 and §1.4: #ephemeral names, lifetime, memory-only queues.</summary>
public class EphemeralTests
{
    [Fact]
    public async Task Ephemeral_channel_goes_away_with_its_last_client_and_the_ephemeral_topic_with_it()
    {
        await using var broker = await TestBroker.StartAsync();
        var engine = broker.Server.Broker;
        var a = await broker.ConnectAsync();
        var b = await broker.ConnectAsync();
        await a.SubscribeAsync("t#ephemeral", "c#ephemeral");
        await b.SubscribeAsync("t#ephemeral", "c#ephemeral");
        await a.DisposeAsync();
        await EventuallyAsync(() => engine.FindTopic("t#ephemeral")?.FindChannel("c#ephemeral")?.Clients.Length == 1, "one client left");
        Assert.NotNull(engine.FindTopic("t#ephemeral")!.FindChannel("c#ephemeral"));
        await b.DisposeAsync();
        await EventuallyAsync(() => engine.FindTopic("t#ephemeral") is null, "ephemeral topic deleted");
    }

    [Fact]
    public async Task Ephemeral_channel_on_a_normal_topic_leaves_the_topic()
    {
        await using var broker = await TestBroker.StartAsync();
        var engine = broker.Server.Broker;
        await using (var c = await broker.ConnectAsync())
        {
            await c.SubscribeAsync("keep", "tmp#ephemeral");
        }
        await EventuallyAsync(() => engine.FindTopic("keep")!.FindChannel("tmp#ephemeral") is null, "ephemeral channel deleted");
        Assert.NotNull(engine.FindTopic("keep"));
        // A new subscriber recreates it, empty.
        await using var again = await broker.ConnectAsync();
        await again.SubscribeAsync("keep", "tmp#ephemeral", rdy: 1);
        await again.AssertNothingWithinAsync(Short);
    }

    [Fact]
    public async Task Ephemeral_queue_drops_what_does_not_fit_in_memory()
    {
        await using var broker = await TestBroker.StartAsync(o => o.MemQueueSize = 3);
        await using var sub = await broker.ConnectAsync();
        await sub.SubscribeAsync("drop", "c#ephemeral");
        await using var pub = await broker.ConnectAsync();
        await pub.PublishManyAsync("drop", Enumerable.Range(0, 10).Select(i => $"m{i}"));
        await sub.RdyAsync(100);
        Assert.Equal(["m0", "m1", "m2"], (await sub.ReadMessagesAsync(3)).Select(m => m.Text()));
        await sub.AssertNothingWithinAsync(Short);
        Assert.Equal(0, broker.Server.Broker.FindTopic("drop")!.FindChannel("c#ephemeral")!.Snapshot().BackendDepth);
    }

    [Fact]
    public async Task Ephemeral_topics_and_channels_do_not_survive_a_restart()
    {
        await using var broker = await TestBroker.StartAsync();
        await using (var c = await broker.ConnectAsync())
        {
            await c.PublishAsync("gone#ephemeral", "lost");
            await c.PublishAsync("stays", "kept");
        }
        await using (var c = await broker.ConnectAsync())
        {
            await c.SubscribeAsync("stays", "c#ephemeral");
            await broker.RestartAsync();
        }
        var engine = broker.Server.Broker;
        Assert.Null(engine.FindTopic("gone#ephemeral"));
        Assert.NotNull(engine.FindTopic("stays"));
        Assert.Null(engine.FindTopic("stays")!.FindChannel("c#ephemeral"));
        Assert.DoesNotContain("ephemeral", File.ReadAllText(Path.Combine(broker.DataPath, "nsqd.dat")), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("#ephemeral")]
    [InlineData("a#ephemeral#ephemeral")]
    [InlineData("a#Ephemeral")]
    [InlineData("a#ephemeralx")]
    [InlineData("a#eph")]
    public async Task Misused_ephemeral_suffix_is_an_invalid_name(string name)
    {
        await using var broker = await TestBroker.StartAsync();
        await using (var c = await broker.ConnectAsync())
        {
            await c.SendAsync(Frame($"SUB ok {name}"));
            await c.AssertFatalAsync($"ERR E_BAD_CHANNEL SUB channel name \"{name}\" is not valid");
        }
        await using (var c = await broker.ConnectAsync())
        {
            await c.SendAsync(Frame($"PUB {name}", "x"u8.ToArray()));
            await c.AssertFatalAsync($"ERR E_BAD_TOPIC PUB topic name \"{name}\" is not valid");
        }
    }

    [Fact]
    public async Task The_suffix_counts_toward_the_64_byte_limit()
    {
        await using var broker = await TestBroker.StartAsync();
        var ok = new string('e', 54) + "#ephemeral";
        var tooLong = new string('e', 55) + "#ephemeral";
        await using (var c = await broker.ConnectAsync())
        {
            await c.SubscribeAsync("t", ok);
        }
        await using (var c = await broker.ConnectAsync())
        {
            await c.SendAsync(Frame($"SUB t {tooLong}"));
            await c.AssertFatalAsync($"ERR E_BAD_CHANNEL SUB channel name \"{tooLong}\" is not valid");
        }
    }
}
