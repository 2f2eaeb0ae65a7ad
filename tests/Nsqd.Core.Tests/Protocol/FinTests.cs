using Nsqd.Core.Tests.Infrastructure;
using static Nsqd.Core.Tests.Infrastructure.ProtocolAssertions;

namespace Nsqd.Core.Tests.Protocol;

/// <summary>Spec §2.5 FIN: no answer on success; E_FIN_FAILED is one of the three non-fatal errors.</summary>
public class FinTests
{
    [Fact]
    public async Task Fin_completes_the_message_it_is_never_redelivered()
    {
        await using var queued = await BrokerWithConsumer.StartAsync("f", ["done"], rdy: 5, identify: new { msg_timeout = 1000 });
        var sub = queued.Consumer;
        var m = await sub.ReadMessageAsync();
        await sub.FinAsync(m.Id);
        await sub.AssertNothingWithinAsync(TimeSpan.FromMilliseconds(1400));
        var snap = queued.Channel;
        Assert.Equal((0, 0L, 0L), (snap.InFlight, snap.Depth, snap.TimeoutCount));
    }

    [Fact]
    public async Task Fin_twice_is_non_fatal_E_FIN_FAILED()
    {
        await using var queued = await BrokerWithConsumer.StartAsync("f", ["x"], rdy: 1);
        var sub = queued.Consumer;
        var m = await sub.ReadMessageAsync();
        await sub.FinAsync(m.Id);
        await sub.FinAsync(m.Id);
        await sub.AssertNonFatalAsync($"ERR E_FIN_FAILED FIN {m.Id} failed ID not in flight");
    }

    [Fact]
    public async Task Fin_of_another_clients_message_is_non_fatal_and_leaves_it_in_flight()
    {
        await using var queued = await BrokerWithConsumer.StartAsync("f", ["x"], rdy: 1);
        var owner = queued.Consumer;
        var m = await owner.ReadMessageAsync();
        await using var thief = await queued.Broker.ConnectAsync();
        await thief.SubscribeAsync("f", "c", rdy: 1);
        await thief.FinAsync(m.Id);
        await thief.AssertNonFatalAsync($"ERR E_FIN_FAILED FIN {m.Id} failed client does not own message");
        await owner.FinAsync(m.Id);
        await owner.AssertStillWorksAsync();
    }

    [Theory]
    [InlineData("FIN", "ERR E_INVALID FIN insufficient number of params")]
    [InlineData("FIN 123", "ERR E_INVALID invalid message ID")]
    [InlineData("FIN 0123456789abcdef0", "ERR E_INVALID invalid message ID")]
    public async Task Fin_malformed_is_fatal(string line, string expected)
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        await c.SubscribeAsync("f", "c");
        await c.SendAsync(Frame(line));
        await c.AssertFatalAsync(expected);
    }

    [Fact]
    public async Task Fin_of_sixteen_non_hex_bytes_is_just_not_in_flight()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        await c.SubscribeAsync("f", "c");
        await c.SendAsync(Frame("FIN zzzzzzzzzzzzzzzz"));
        await c.AssertNonFatalAsync("ERR E_FIN_FAILED FIN zzzzzzzzzzzzzzzz failed ID not in flight");
    }

    [Fact]
    public async Task Fin_with_the_id_in_upper_case_is_not_the_same_id()
    {
        await using var queued = await BrokerWithConsumer.StartAsync("f", ["x"], rdy: 1);
        var sub = queued.Consumer;
        var m = await sub.ReadMessageAsync();
        var upper = m.Id.ToUpperInvariant();
        if (upper == m.Id) return; // an all-digit ID has no upper case form
        await sub.FinAsync(upper);
        await sub.AssertNonFatalAsync($"ERR E_FIN_FAILED FIN {upper} failed ID not in flight");
    }

    [Fact]
    public async Task Fin_before_sub_is_fatal()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        await c.FinAsync("0000000000000000");
        await c.AssertFatalAsync("ERR E_INVALID cannot FIN in current state");
    }

    [Fact]
    public async Task Fin_after_cls_is_still_accepted()
    {
        await using var queued = await BrokerWithConsumer.StartAsync("f", ["x"], rdy: 1);
        var sub = queued.Consumer;
        var m = await sub.ReadMessageAsync();
        await sub.SendAsync(Frame("CLS"));
        Assert.Equal("CLOSE_WAIT", await sub.ReadResponseTextAsync());
        await sub.FinAsync(m.Id);
        await sub.AssertStillWorksAsync();
        Assert.Equal(0, queued.Channel.InFlight);
    }
}
