using System.Diagnostics;
using Nsqd.Core.Tests.Infrastructure;
using static Nsqd.Core.Tests.Infrastructure.ProtocolAssertions;

namespace Nsqd.Core.Tests.Protocol;

/// <summary>Spec §1.6 and §2.5 TOUCH: resets the deadline, capped at delivery + --max-msg-timeout.</summary>
public class TouchTests
{
    [Fact]
    public async Task Touch_postpones_the_timeout()
    {
        await using var queued = await BrokerWithConsumer.StartAsync("to", ["slow work"], rdy: 1, identify: new { msg_timeout = 3000 });
        var sub = queued.Consumer;
        var m = await sub.ReadMessageAsync();
        var sw = Stopwatch.StartNew();
        // Touch twice, a third of the timeout apart (wide margins: a loaded machine overshoots the waits);
        // without the touches the message would be redelivered at ~3000 ms, the checks run until 3600 ms.
        await sub.AssertNothingWithinAsync(TimeSpan.FromMilliseconds(1000));
        await sub.TouchAsync(m.Id);
        await sub.AssertNothingWithinAsync(TimeSpan.FromMilliseconds(2000) - sw.Elapsed);
        await sub.TouchAsync(m.Id);
        await sub.AssertNothingWithinAsync(TimeSpan.FromMilliseconds(3600) - sw.Elapsed);
        await sub.FinAsync(m.Id);
        await sub.AssertStillWorksAsync();
        Assert.Equal(0, queued.Channel.TimeoutCount);
    }

    [Fact]
    public async Task Touch_is_capped_at_delivery_plus_max_msg_timeout()
    {
        await using var queued = await BrokerWithConsumer.StartAsync("cap", ["A"], rdy: 2, identify: new { msg_timeout = 2400 }, configure: o => o.MaxMsgTimeout = TimeSpan.FromMilliseconds(3000));
        var sub = queued.Consumer;
        var a = await sub.ReadMessageAsync();
        var sw = Stopwatch.StartNew();
        await sub.AssertNothingWithinAsync(TimeSpan.FromMilliseconds(1000));
        // B is delivered later than A, so its deadline (~3400 ms) is after A's capped one (3000 ms).
        await queued.Publisher.PublishAsync("cap", "B");
        var b = await sub.ReadMessageAsync();
        await sub.AssertNothingWithinAsync(TimeSpan.FromMilliseconds(1200) - sw.Elapsed);
        await sub.TouchAsync(a.Id); // would be 1200 + 2400 = 3600 ms, capped to 3000 ms (A's own deadline was 2400 ms)
        var again = await sub.ReadMessageAsync(TimeSpan.FromSeconds(5));
        Assert.Equal("A", again.Text());
        Assert.Equal(2, again.Attempts);
        Assert.True(sw.ElapsedMilliseconds >= 2800, $"redelivered after {sw.ElapsedMilliseconds} ms");
        Assert.Equal(b.Id, (await sub.ReadMessageAsync(TimeSpan.FromSeconds(5))).Id);
    }

    [Fact]
    public async Task Touch_of_an_unknown_id_is_non_fatal_E_TOUCH_FAILED()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        await c.SubscribeAsync("to", "c");
        await c.TouchAsync("0000000000000000");
        await c.AssertNonFatalAsync("ERR E_TOUCH_FAILED TOUCH 0000000000000000 failed ID not in flight");
    }

    [Fact]
    public async Task Touch_of_another_clients_message_is_non_fatal()
    {
        await using var queued = await BrokerWithConsumer.StartAsync("to", ["x"], rdy: 1);
        var owner = queued.Consumer;
        var m = await owner.ReadMessageAsync();
        await using var other = await queued.Broker.ConnectAsync();
        await other.SubscribeAsync("to", "c");
        await other.TouchAsync(m.Id);
        await other.AssertNonFatalAsync($"ERR E_TOUCH_FAILED TOUCH {m.Id} failed client does not own message");
    }

    [Theory]
    [InlineData("TOUCH", "ERR E_INVALID TOUCH insufficient number of params")]
    [InlineData("TOUCH abc", "ERR E_INVALID invalid message ID")]
    public async Task Touch_malformed_is_fatal(string line, string expected)
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        await c.SubscribeAsync("to", "c");
        await c.SendAsync(Frame(line));
        await c.AssertFatalAsync(expected);
    }

    [Fact]
    public async Task Touch_before_sub_is_fatal()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        await c.TouchAsync("0000000000000000");
        await c.AssertFatalAsync("ERR E_INVALID cannot TOUCH in current state");
    }
}
