using Nsq.Protocol.V2;
using Nsqd.Core.Tests.Infrastructure;
using static Nsqd.Core.Tests.Infrastructure.ProtocolAssertions;

namespace Nsqd.Core.Tests.Protocol;

/// <summary>Spec §5.3 and §5.4: what a clean shutdown keeps, and what a restart delivers.</summary>
public class PersistenceTests
{
    private static async Task<List<string>> DrainAsync(TestBroker broker, string topic, string channel, int expected)
    {
        await using var sub = await broker.ConnectAsync();
        await sub.SubscribeAsync(topic, channel, rdy: 2500);
        var got = new List<string>();
        for (var i = 0; i < expected; i++)
        {
            var m = await sub.ReadMessageAsync(TimeSpan.FromSeconds(5));
            got.Add(m.Text());
            await sub.FinAsync(m.Id);
        }
        await sub.AssertNothingWithinAsync(TimeSpan.FromMilliseconds(200));
        return got;
    }

    [Fact]
    public async Task Queued_messages_survive_a_clean_restart()
    {
        await using var broker = await TestBroker.StartAsync();
        await using (var c = await broker.ConnectAsync())
        {
            await c.SubscribeAsync("dur", "c");
            await c.PublishManyAsync("dur", Enumerable.Range(0, 500).Select(i => $"m{i}"));
        }
        await broker.RestartAsync();
        var got = await DrainAsync(broker, "dur", "c", 500);
        Assert.Equal(Enumerable.Range(0, 500).Select(i => $"m{i}").Order(), got.Order());
    }

    [Fact]
    public async Task Topic_without_channels_keeps_its_backlog_across_a_restart()
    {
        await using var broker = await TestBroker.StartAsync();
        await using (var c = await broker.ConnectAsync())
            await c.PublishManyAsync("nochan", ["a", "b", "c"]);
        await broker.RestartAsync();
        Assert.Equal(["a", "b", "c"], (await DrainAsync(broker, "nochan", "late", 3)).Order());
    }

    [Fact]
    public async Task In_flight_messages_survive_with_their_attempts()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var pub = await broker.ConnectAsync();
        await pub.PublishManyAsync("inf", ["x", "y"]);
        var sub = await broker.ConnectAsync();
        await sub.SubscribeAsync("inf", "c", rdy: 2);
        var held = await sub.ReadMessagesAsync(2);
        await sub.ReqAsync(held[0].Id, 0);
        var x2 = await sub.ReadMessageAsync();
        Assert.Equal(2, x2.Attempts);
        await broker.RestartAsync();
        await sub.DisposeAsync();

        await using var again = await broker.ConnectAsync();
        await again.SubscribeAsync("inf", "c", rdy: 10);
        var after = (await again.ReadMessagesAsync(2, TimeSpan.FromSeconds(5))).ToDictionary(m => m.Text());
        Assert.Equal(3, after["x"].Attempts);
        Assert.Equal(2, after["y"].Attempts);
        Assert.Equal(held[0].Id, after["x"].Id);
        Assert.Equal(held[1].Ts, after["y"].Ts);
        await again.AssertNothingWithinAsync(Short);
    }

    [Fact]
    public async Task Deferred_messages_keep_their_due_time_across_a_clean_restart()
    {
        // nsqd delivers deferred messages at once after a restart (#1107); here DPUB and REQ-with-delay keep their due
        // time: the short ones arrive once due (not before), the hour-long ones stay deferred.
        await using var broker = await TestBroker.StartAsync();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await using (var c = await broker.ConnectAsync())
        await using (var pub = await broker.ConnectAsync())
        {
            await c.SubscribeAsync("def", "c", rdy: 2);
            await pub.SendAsync(o => CommandWriter.Dpub(o, "def", 3_600_000, "dpub-hour"u8));
            Assert.Equal("OK", await pub.ReadResponseTextAsync());
            await pub.SendAsync(o => CommandWriter.Dpub(o, "def", 2_000, "dpub-2s"u8));
            Assert.Equal("OK", await pub.ReadResponseTextAsync());
            await pub.PublishAsync("def", "req-hour");
            await pub.PublishAsync("def", "req-2s");
            for (var i = 0; i < 2; i++)
            {
                var m = await c.ReadMessageAsync();
                await c.ReqAsync(m.Id, m.Text() == "req-2s" ? 2_000 : 3_600_000);
            }
            await c.AssertStillWorksAsync();
            Assert.Equal(4, broker.Server.Broker.FindTopic("def")!.FindChannel("c")!.Snapshot().Deferred);
            await broker.RestartAsync();
        }
        var channel = broker.Server.Broker.FindTopic("def")!.FindChannel("c")!;
        Assert.Equal(4, channel.Snapshot().Deferred);
        await using var sub = await broker.ConnectAsync();
        await sub.SubscribeAsync("def", "c", rdy: 10);
        var got = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            var m = await sub.ReadMessageAsync(TimeSpan.FromSeconds(10));
            // Due 2 s after the publish/REQ, which all happened after the clock started.
            Assert.True(clock.ElapsedMilliseconds >= 1_900, $"{m.Text()} arrived after {clock.ElapsedMilliseconds} ms, before its due time");
            got.Add(m.Text());
            await sub.FinAsync(m.Id);
        }
        Assert.Equal(["dpub-2s", "req-2s"], got.Order());
        await sub.AssertNothingWithinAsync(Short);
        Assert.Equal(2, channel.Snapshot().Deferred);
    }

    [Fact]
    public async Task Small_memory_queue_spills_to_disk_and_everything_is_consumed()
    {
        await using var broker = await TestBroker.StartAsync(o => o.MemQueueSize = 10);
        await using (var c = await broker.ConnectAsync())
        {
            await c.SubscribeAsync("spill", "c");
            await c.PublishManyAsync("spill", Enumerable.Range(0, 200).Select(i => $"m{i}"));
            for (var i = 200; i < 250; i++) await c.PublishAsync("spill", $"m{i}");
        }
        var snap = broker.Server.Broker.FindTopic("spill")!.FindChannel("c")!.Snapshot();
        Assert.Equal(250, snap.Depth);
        Assert.True(snap.BackendDepth >= 240, $"backend depth {snap.BackendDepth}");
        var got = await DrainAsync(broker, "spill", "c", 250);
        Assert.Equal(250, got.Distinct().Count());
        Assert.Equal((0L, 0L), (broker.Server.Broker.FindTopic("spill")!.FindChannel("c")!.Snapshot().Depth,
            broker.Server.Broker.FindTopic("spill")!.FindChannel("c")!.Snapshot().BackendDepth));
    }

    [Fact]
    public async Task Spilled_messages_and_memory_survive_a_restart_together()
    {
        await using var broker = await TestBroker.StartAsync(o => o.MemQueueSize = 5);
        await using (var c = await broker.ConnectAsync())
        {
            await c.SubscribeAsync("spill", "c");
            await c.PublishManyAsync("spill", Enumerable.Range(0, 40).Select(i => $"m{i}"));
        }
        await broker.RestartAsync();
        Assert.Equal(40, broker.Server.Broker.FindTopic("spill")!.FindChannel("c")!.Snapshot().Depth);
        var got = await DrainAsync(broker, "spill", "c", 40);
        Assert.Equal(Enumerable.Range(0, 40).Select(i => $"m{i}").Order(), got.Order());
    }

    [Fact]
    public async Task Mem_queue_size_zero_writes_everything_to_disk()
    {
        await using var broker = await TestBroker.StartAsync(o => o.MemQueueSize = 0);
        await using (var c = await broker.ConnectAsync())
        {
            await c.SubscribeAsync("zero", "c");
            await c.PublishManyAsync("zero", ["1", "2", "3"]);
        }
        Assert.Equal(3, broker.Server.Broker.FindTopic("zero")!.FindChannel("c")!.Snapshot().BackendDepth);
        Assert.Equal(["1", "2", "3"], await DrainAsync(broker, "zero", "c", 3));
    }

    [Fact]
    public async Task Channels_are_recreated_after_a_restart_and_keep_receiving()
    {
        await using var broker = await TestBroker.StartAsync();
        await using (var c = await broker.ConnectAsync()) await c.SubscribeAsync("meta", "c1");
        await using (var c = await broker.ConnectAsync()) await c.SubscribeAsync("meta", "c2");
        await broker.RestartAsync();
        await using (var c = await broker.ConnectAsync()) await c.PublishAsync("meta", "to both");
        Assert.Equal(["to both"], await DrainAsync(broker, "meta", "c1", 1));
        Assert.Equal(["to both"], await DrainAsync(broker, "meta", "c2", 1));
    }

    [Fact]
    public async Task Many_small_disk_segments_are_read_back_in_order_across_a_restart()
    {
        await using var broker = await TestBroker.StartAsync(o => { o.MemQueueSize = 0; o.MaxBytesPerFile = 512; });
        await using (var c = await broker.ConnectAsync())
        {
            await c.SubscribeAsync("seg", "c");
            await c.PublishManyAsync("seg", Enumerable.Range(0, 100).Select(i => $"message-{i:D3}"));
        }
        Assert.Equal(100, broker.Server.Broker.FindTopic("seg")!.FindChannel("c")!.Snapshot().BackendDepth);
        await using (var sub = await broker.ConnectAsync())
        {
            await sub.SubscribeAsync("seg", "c", rdy: 40);
            var got = await sub.ReadMessagesAsync(40);
            Assert.Equal(Enumerable.Range(0, 40).Select(i => $"message-{i:D3}"), got.Select(m => m.Text()));
            await sub.RdyAsync(0);
            foreach (var m in got) await sub.FinAsync(m.Id);
            await sub.AssertStillWorksAsync();
            await broker.RestartAsync();
        }
        var rest = await DrainAsync(broker, "seg", "c", 60);
        Assert.Equal(Enumerable.Range(40, 60).Select(i => $"message-{i:D3}"), rest);
    }

    [Fact]
    public async Task Shutdown_while_a_topic_backlog_is_being_moved_to_a_new_channel_loses_nothing()
    {
        await using var broker = await TestBroker.StartAsync();
        const int total = 30000;
        await using (var c = await broker.ConnectAsync())
        {
            for (var i = 0; i < total; i += 3000)
                await c.PublishManyAsync("race", Enumerable.Range(i, 3000).Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture).PadRight(1000)));
        }
        // The first channel starts moving the backlog in the background; stop right away.
        broker.Server.Broker.FindTopic("race")!.GetOrCreateChannel("c", out _);
        await broker.RestartAsync();
        var topic = broker.Server.Broker.FindTopic("race")!;
        await EventuallyAsync(() => topic.Depth().Depth == 0, "backlog moved");
        var snap = topic.FindChannel("c")!.Snapshot();
        Assert.Equal(total, snap.Depth);
    }
}
