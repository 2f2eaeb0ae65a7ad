using Nsqd.Core.Tests.Infrastructure;
using static Nsqd.Core.Tests.Infrastructure.ProtocolAssertions;

namespace Nsqd.Core.Tests.Protocol;

/// <summary>Spec §1.9 and §2.5 RDY: a window compared with the in-flight count, not a decrementing counter.</summary>
public class RdyTests
{
    [Fact]
    public async Task Rdy_2_with_5_queued_keeps_exactly_2_in_flight_until_fin()
    {
        await using var queued = await BrokerWithConsumer.WithQueuedAsync("w", 5, rdy: 2);
        var sub = queued.Consumer;
        var first = await sub.ReadMessagesAsync(2);
        await sub.AssertNothingWithinAsync(Short);
        Assert.Equal(2, queued.Channel.InFlight);

        await sub.FinAsync(first[0].Id);
        var third = await sub.ReadMessageAsync();
        await sub.AssertNothingWithinAsync(Short);

        await sub.FinAsync(first[1].Id);
        await sub.FinAsync(third.Id);
        var rest = await sub.ReadMessagesAsync(2);
        Assert.Equal(["m0", "m1", "m2", "m3", "m4"], first.Concat([third]).Concat(rest).Select(m => m.Text()));
    }

    /// <summary>
    /// The pump parks when the window is full and only the FIN that reopens it wakes it (no wake-up per FIN): a window
    /// of 3 that fills and reopens thousands of times, from memory and from the disk overflow, with each FIN sent alone
    /// the moment its message arrives (go-nsq's pattern), never stalls.
    /// </summary>
    [Theory]
    [InlineData(10_000)]
    [InlineData(0)]
    public async Task A_window_that_fills_and_reopens_thousands_of_times_never_stalls(int memQueueSize)
    {
        const int count = 6000;
        await using var queued = await BrokerWithConsumer.WithQueuedAsync("w", count, rdy: 3, o => o.MemQueueSize = memQueueSize);
        var sub = queued.Consumer;
        for (var i = 0; i < count; i++)
        {
            var m = await sub.ReadMessageAsync();
            Assert.Equal($"m{i}", m.Text());
            await sub.FinAsync(m.Id);
        }
        await sub.AssertNothingWithinAsync(Short);
        Assert.Equal(0, queued.Channel.Depth);
    }

    [Fact]
    public async Task Resending_the_same_rdy_does_not_widen_the_window()
    {
        await using var queued = await BrokerWithConsumer.WithQueuedAsync("w", 3, rdy: 1);
        var sub = queued.Consumer;
        var m = await sub.ReadMessageAsync();
        await sub.RdyAsync(1);
        await sub.RdyAsync(1);
        await sub.AssertNothingWithinAsync(Short);
        await sub.FinAsync(m.Id);
        await sub.ReadMessageAsync();
    }

    [Fact]
    public async Task Rdy_0_stops_delivery_and_a_new_rdy_resumes_it()
    {
        await using var queued = await BrokerWithConsumer.WithQueuedAsync("w", 3, rdy: 1);
        var sub = queued.Consumer;
        var m = await sub.ReadMessageAsync();
        await sub.RdyAsync(0);
        await sub.FinAsync(m.Id);
        await sub.AssertNothingWithinAsync(Short);
        await sub.RdyAsync(5);
        Assert.Equal(["m1", "m2"], (await sub.ReadMessagesAsync(2)).Select(x => x.Text()));
    }

    [Fact]
    public async Task Rdy_without_a_count_means_one()
    {
        await using var queued = await BrokerWithConsumer.WithQueuedAsync("w", 2);
        var sub = queued.Consumer;
        await sub.SendAsync(Frame("RDY"));
        await sub.ReadMessageAsync();
        await sub.AssertNothingWithinAsync(Short);
    }

    [Theory]
    [InlineData("RDY 2501", "ERR E_INVALID RDY count 2501 out of range 0-2500")]
    [InlineData("RDY 3000000000", "ERR E_INVALID RDY count 3000000000 out of range 0-2500")]
    [InlineData("RDY abc", "ERR E_INVALID RDY could not parse count abc")]
    [InlineData("RDY -1", "ERR E_INVALID RDY could not parse count -1")]
    [InlineData("RDY +1", "ERR E_INVALID RDY could not parse count +1")]
    public async Task Rdy_count_errors_are_fatal(string line, string expected)
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        await c.SubscribeAsync("t", "c");
        await c.SendAsync(Frame(line));
        await c.AssertFatalAsync(expected);
    }

    [Fact]
    public async Task Rdy_range_follows_max_rdy_count()
    {
        await using var broker = await TestBroker.StartAsync(o => o.MaxRdyCount = 10);
        await using var c = await broker.ConnectAsync();
        await c.SubscribeAsync("t", "c", rdy: 10);
        await c.AssertStillWorksAsync();
        await c.RdyAsync(11);
        await c.AssertFatalAsync("ERR E_INVALID RDY count 11 out of range 0-10");
    }

    [Fact]
    public async Task Rdy_before_sub_is_fatal()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        await c.SendAsync(Frame("RDY 1"));
        await c.AssertFatalAsync("ERR E_INVALID cannot RDY in current state");
    }

    [Fact]
    public async Task Rdy_after_cls_is_ignored()
    {
        await using var queued = await BrokerWithConsumer.WithQueuedAsync("w", 2);
        var sub = queued.Consumer;
        await sub.SendAsync(Frame("CLS"));
        Assert.Equal("CLOSE_WAIT", await sub.ReadResponseTextAsync());
        await sub.RdyAsync(5);
        await sub.SendAsync(Frame("RDY 999999"));
        await sub.AssertNothingWithinAsync(Short);
        await sub.AssertStillWorksAsync();
    }

    [Fact]
    public async Task A_large_window_streams_everything()
    {
        await using var queued = await BrokerWithConsumer.WithQueuedAsync("w", 1000, rdy: 2500);
        var sub = queued.Consumer;
        var got = await sub.ReadMessagesAsync(1000);
        Assert.Equal(1000, got.Select(m => m.Id).Distinct().Count());
        Assert.Equal(1000, queued.Channel.InFlight);
    }
}
