using System.Diagnostics;
using Nsqd.Core.Tests.Infrastructure;
using static Nsqd.Core.Tests.Infrastructure.ProtocolAssertions;

namespace Nsqd.Core.Tests.Protocol;

/// <summary>Spec §1.6: in-flight timeout and redelivery, attempts, fan-out copies, disconnects.</summary>
public class DeliveryTests
{
    [Fact]
    public async Task Unfinished_message_is_redelivered_after_msg_timeout_with_attempts_plus_one()
    {
        await using var queued = await BrokerWithConsumer.StartAsync("dl", ["retry me"], rdy: 1, identify: new { msg_timeout = 1000 });
        var sub = queued.Consumer;
        var first = await sub.ReadMessageAsync();
        var sw = Stopwatch.StartNew();
        await sub.AssertNothingWithinAsync(TimeSpan.FromMilliseconds(850));
        var second = await sub.ReadMessageAsync(TimeSpan.FromSeconds(3));
        Assert.True(sw.ElapsedMilliseconds >= 900, $"after {sw.ElapsedMilliseconds} ms");
        Assert.Equal((first.Id, first.Ts, "retry me"), (second.Id, second.Ts, second.Text()));
        Assert.Equal(2, second.Attempts);
        var third = await sub.ReadMessageAsync(TimeSpan.FromSeconds(3));
        Assert.Equal(3, third.Attempts);
        Assert.Equal(2, queued.Channel.TimeoutCount);
    }

    [Fact]
    public async Task Msg_timeout_from_identify_is_reported_and_the_default_follows_the_option()
    {
        await using var broker = await TestBroker.StartAsync(o => o.MsgTimeout = TimeSpan.FromMilliseconds(1100));
        await using var c = await broker.ConnectAsync();
        await c.IdentifyAsync(new { feature_negotiation = true });
        var json = System.Text.Json.JsonDocument.Parse(await c.ReadResponseTextAsync());
        Assert.Equal(1100, json.RootElement.GetProperty("msg_timeout").GetInt32());
        await using var pub = await broker.ConnectAsync();
        await pub.PublishAsync("dl2", "x");
        await using var sub = await broker.ConnectAsync();
        await sub.SubscribeAsync("dl2", "c", rdy: 1);
        var first = await sub.ReadMessageAsync();
        var sw = Stopwatch.StartNew();
        var again = await sub.ReadMessageAsync(TimeSpan.FromSeconds(3));
        Assert.True(sw.ElapsedMilliseconds >= 900);
        Assert.Equal(first.Id, again.Id);
    }

    [Fact]
    public async Task Timed_out_message_can_go_to_another_consumer_and_the_late_fin_fails()
    {
        await using var queued = await BrokerWithConsumer.StartAsync("dl", ["x"], rdy: 1, identify: new { msg_timeout = 1000 });
        var slow = queued.Consumer;
        var m = await slow.ReadMessageAsync();
        await slow.RdyAsync(0);
        await using var fast = await queued.Broker.ConnectAsync();
        await fast.SubscribeAsync("dl", "c", rdy: 1);
        var again = await fast.ReadMessageAsync(TimeSpan.FromSeconds(3));
        Assert.Equal((m.Id, 2), (again.Id, (int)again.Attempts));
        await slow.FinAsync(m.Id);
        await slow.AssertNonFatalAsync($"ERR E_FIN_FAILED FIN {m.Id} failed client does not own message");
    }

    [Fact]
    public async Task Every_channel_gets_a_copy_with_the_same_id_and_timestamp()
    {
        await using var broker = await TestBroker.StartAsync();
        var subs = new List<RawClient>();
        try
        {
            foreach (var ch in new[] { "a", "b", "c" })
            {
                var s = await broker.ConnectAsync();
                subs.Add(s);
                await s.SubscribeAsync("fan", ch, rdy: 1);
            }
            await using var pub = await broker.ConnectAsync();
            await pub.PublishAsync("fan", "copy");
            var got = new List<(long Ts, ushort Attempts, string Id, byte[] Body)>();
            foreach (var s in subs) got.Add(await s.ReadMessageAsync());
            Assert.Single(got.Select(m => (m.Id, m.Ts, m.Text(), m.Attempts)).Distinct());
            // Attempts are per channel: requeueing on one channel does not touch the others.
            await subs[0].ReqAsync(got[0].Id, 0);
            Assert.Equal(2, (await subs[0].ReadMessageAsync()).Attempts);
            await subs[1].FinAsync(got[1].Id);
            await subs[1].AssertStillWorksAsync();
        }
        finally
        {
            foreach (var s in subs) await s.DisposeAsync();
        }
    }

    [Fact]
    public async Task In_flight_messages_of_a_disconnected_client_are_redelivered()
    {
        // nsqd waits for the timeout; we requeue on disconnect (spec A.2 item 11: only faster, attempts still +1).
        await using var broker = await TestBroker.StartAsync();
        await using var pub = await broker.ConnectAsync();
        await pub.PublishManyAsync("dc", ["1", "2", "3"]);
        var first = await broker.ConnectAsync();
        await first.SubscribeAsync("dc", "c", rdy: 3);
        var got = await first.ReadMessagesAsync(3);
        await first.DisposeAsync();
        await using var second = await broker.ConnectAsync();
        await second.SubscribeAsync("dc", "c", rdy: 3);
        var again = await second.ReadMessagesAsync(3, TimeSpan.FromSeconds(3));
        Assert.Equal(got.Select(m => m.Id).Order(), again.Select(m => m.Id).Order());
        Assert.All(again, m => Assert.Equal(2, m.Attempts));
    }

    [Fact]
    public async Task Many_consumers_connecting_and_leaving_never_lose_a_message()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var pub = await broker.ConnectAsync();
        await pub.PublishManyAsync("churn", Enumerable.Range(0, 300).Select(i => $"m{i}"));
        var finished = new HashSet<string>();
        for (var round = 0; round < 6; round++)
        {
            await using var c = await broker.ConnectAsync();
            await c.SubscribeAsync("churn", "c", rdy: 100);
            // Finish some, leave the rest in flight and disconnect.
            for (var i = 0; i < 50; i++)
            {
                var m = await c.ReadMessageAsync();
                if (i % 2 == 0)
                {
                    await c.FinAsync(m.Id);
                    finished.Add(m.Text());
                }
            }
        }
        await using var last = await broker.ConnectAsync();
        await last.SubscribeAsync("churn", "c", rdy: 2500);
        var churn = broker.Server.Broker.FindTopic("churn")!.FindChannel("c")!;
        while (finished.Count < 300)
        {
            var m = await last.ReadMessageAsync(TimeSpan.FromSeconds(3));
            await last.FinAsync(m.Id);
            finished.Add(m.Text());
        }
        // A FIN sent just before a disconnect may never have been read: that message comes back once more, legitimately.
        var sw = Stopwatch.StartNew();
        while (churn.Snapshot() is not { Depth: 0, InFlight: 0, Deferred: 0 })
        {
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5), $"channel not drained: {churn.Snapshot()}");
            try
            {
                await last.FinAsync((await last.ReadMessageAsync(TimeSpan.FromMilliseconds(100))).Id);
            }
            catch (TimeoutException)
            {
            }
        }
    }

    [Fact]
    public async Task A_consumer_that_stops_reading_is_dropped_and_its_messages_go_elsewhere()
    {
        // Spec §2.2: a write that cannot complete within heartbeat_interval disconnects the client.
        await using var broker = await TestBroker.StartAsync();
        await using var pub = await broker.ConnectAsync();
        for (var batch = 0; batch < 5; batch++)
        {
            var bodies = Enumerable.Range(0, 60).Select(i => { var b = new byte[64 * 1024]; b[0] = (byte)batch; b[1] = (byte)i; return b; }).ToArray();
            await pub.SendAsync(Frame("MPUB stuck", MpubPayload(bodies)));
            Assert.Equal("OK", await pub.ReadResponseTextAsync());
        }
        var channelGone = false;
        await using (var stuck = await broker.ConnectAsync())
        {
            await stuck.SubscribeAsync("stuck", "c", rdy: 2500, identify: new { heartbeat_interval = 1000 });
            var channel = broker.Server.Broker.FindTopic("stuck")!.FindChannel("c")!;
            var sw = Stopwatch.StartNew();
            // Keep the read deadline alive with NOPs but never read a byte.
            while (sw.Elapsed < TimeSpan.FromSeconds(6) && !channelGone)
            {
                try
                {
                    await stuck.SendAsync(Frame("NOP"));
                }
                catch (IOException)
                {
                }
                await Task.Delay(100);
                channelGone = channel.Clients.Length == 0;
            }
        }
        Assert.True(channelGone, "the stuck consumer was not dropped");
        await using var sub = await broker.ConnectAsync();
        await sub.SubscribeAsync("stuck", "c", rdy: 2500);
        var ids = new HashSet<(byte, byte)>();
        for (var i = 0; i < 300; i++)
        {
            var m = await sub.ReadMessageAsync(TimeSpan.FromSeconds(5));
            ids.Add((m.Body[0], m.Body[1]));
        }
        Assert.Equal(300, ids.Count);
    }

    [Fact]
    public async Task Concurrent_publishers_and_consumers_deliver_everything_exactly_once_when_acked()
    {
        await using var broker = await TestBroker.StartAsync(o => o.MemQueueSize = 100);
        const int publishers = 4, perPublisher = 500;
        var consumers = new List<RawClient>();
        for (var i = 0; i < 3; i++)
        {
            var c = await broker.ConnectAsync();
            consumers.Add(c);
            await c.SubscribeAsync("conc", "c", rdy: 50);
        }
        var received = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        using var done = new CancellationTokenSource();
        var readers = consumers.Select(c => Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                (long Ts, ushort Attempts, string Id, byte[] Body) m;
                try
                {
                    m = await c.ReadMessageAsync(TimeSpan.FromMilliseconds(300));
                }
                catch (TimeoutException)
                {
                    continue;
                }
                received.AddOrUpdate(m.Text(), 1, (_, n) => n + 1);
                await c.FinAsync(m.Id);
            }
        })).ToList();
        var writers = Enumerable.Range(0, publishers).Select(p => Task.Run(async () =>
        {
            await using var c = await broker.ConnectAsync();
            for (var i = 0; i < perPublisher; i += 10)
                await c.PublishManyAsync("conc", Enumerable.Range(i, 10).Select(n => $"p{p}-{n}"));
        }));
        await Task.WhenAll(writers);
        await EventuallyAsync(() => received.Count == publishers * perPublisher, "all received", TimeSpan.FromSeconds(15));
        await done.CancelAsync();
        await Task.WhenAll(readers);
        foreach (var c in consumers) await c.DisposeAsync();
        Assert.All(received.Values, n => Assert.Equal(1, n));
    }

    [Fact]
    public async Task Sample_rate_drops_the_messages_it_does_not_sample()
    {
        // Spec §2.7 quirk kept on purpose: with sample_rate N a message is delivered when rand(0..99) <= N, else dropped.
        await using var broker = await TestBroker.StartAsync();
        await using var pub = await broker.ConnectAsync();
        await pub.PublishManyAsync("sample", Enumerable.Range(0, 400).Select(i => $"m{i}"));
        await using var sub = await broker.ConnectAsync();
        await sub.SubscribeAsync("sample", "c", rdy: 2500, identify: new { sample_rate = 1 });
        var channel = broker.Server.Broker.FindTopic("sample")!.FindChannel("c")!;
        await EventuallyAsync(() => channel.Snapshot().Depth == 0, "channel drained");
        var inFlight = channel.Snapshot().InFlight;
        Assert.InRange(inFlight, 0, 40);
        for (var i = 0; i < inFlight; i++) await sub.ReadMessageAsync();
        await sub.AssertNothingWithinAsync(Short);
    }

    [Fact]
    public async Task Emptying_a_channel_drops_in_flight_and_later_fin_is_non_fatal()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var pub = await broker.ConnectAsync();
        await pub.PublishManyAsync("empty", ["a", "b", "c"]);
        await using var sub = await broker.ConnectAsync();
        await sub.SubscribeAsync("empty", "c", rdy: 1);
        var m = await sub.ReadMessageAsync();
        broker.Server.Broker.FindTopic("empty")!.FindChannel("c")!.Empty();
        await sub.FinAsync(m.Id);
        await sub.AssertNonFatalAsync($"ERR E_FIN_FAILED FIN {m.Id} failed ID not in flight");
        await pub.PublishAsync("empty", "d");
        Assert.Equal("d", (await sub.ReadMessageAsync()).Text());
    }

    [Fact]
    public async Task Deleting_a_channel_closes_its_consumers_without_an_error_frame()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var sub = await broker.ConnectAsync();
        await sub.SubscribeAsync("del", "c", rdy: 1);
        Assert.True(broker.Server.Broker.FindTopic("del")!.DeleteChannel("c"));
        await sub.AssertClosedWithoutErrorAsync();
    }
}
