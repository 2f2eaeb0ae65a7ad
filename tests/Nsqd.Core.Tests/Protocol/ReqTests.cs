using System.Diagnostics;
using Nsqd.Core.Tests.Infrastructure;
using static Nsqd.Core.Tests.Infrastructure.ProtocolAssertions;

namespace Nsqd.Core.Tests.Protocol;

/// <summary>Spec §1.6 and §2.5 REQ: immediate or deferred requeue, clamping, and its errors.</summary>
public class ReqTests
{
    [Fact]
    public async Task Req_0_redelivers_at_once_with_attempts_2_same_id_and_timestamp()
    {
        await using var queued = await BrokerWithConsumer.StartAsync("r", ["again"], rdy: 1);
        var sub = queued.Consumer;
        var first = await sub.ReadMessageAsync();
        await sub.ReqAsync(first.Id, 0);
        var second = await sub.ReadMessageAsync(TimeSpan.FromMilliseconds(500));
        Assert.Equal((first.Id, first.Ts, "again"), (second.Id, second.Ts, second.Text()));
        Assert.Equal(2, second.Attempts);
        Assert.Equal(1, queued.Channel.RequeueCount);
    }

    [Fact]
    public async Task Req_with_a_delay_is_not_redelivered_before_it()
    {
        await using var queued = await BrokerWithConsumer.StartAsync("r", ["later"], rdy: 1);
        var sub = queued.Consumer;
        var first = await sub.ReadMessageAsync();
        var sw = Stopwatch.StartNew();
        await sub.ReqAsync(first.Id, 600);
        await sub.AssertStillWorksAsync(); // a round trip: the REQ has been handled
        Assert.Equal(1, queued.Channel.Deferred);
        await sub.AssertNothingWithinAsync(TimeSpan.FromMilliseconds(480) - sw.Elapsed);
        var second = await sub.ReadMessageAsync(TimeSpan.FromSeconds(3));
        Assert.True(sw.ElapsedMilliseconds >= 550, $"after {sw.ElapsedMilliseconds} ms");
        Assert.Equal(2, second.Attempts);
    }

    [Fact]
    public async Task Req_above_max_req_timeout_is_clamped_not_refused()
    {
        await using var queued = await BrokerWithConsumer.StartAsync("r", ["clamped"], rdy: 1, configure: o => o.MaxReqTimeout = TimeSpan.FromMilliseconds(500));
        var sub = queued.Consumer;
        var first = await sub.ReadMessageAsync();
        await sub.ReqAsync(first.Id, 3_600_000_000);
        var second = await sub.ReadMessageAsync(TimeSpan.FromSeconds(3));
        Assert.Equal(first.Id, second.Id);
    }

    [Fact]
    public async Task Req_of_an_unknown_id_is_non_fatal_E_REQ_FAILED()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        await c.SubscribeAsync("r", "c");
        await c.ReqAsync("0000000000000000", 0);
        await c.AssertNonFatalAsync("ERR E_REQ_FAILED REQ 0000000000000000 failed ID not in flight");
    }

    [Fact]
    public async Task Req_of_another_clients_message_is_non_fatal()
    {
        await using var queued = await BrokerWithConsumer.StartAsync("r", ["x"], rdy: 1);
        var owner = queued.Consumer;
        var m = await owner.ReadMessageAsync();
        await using var other = await queued.Broker.ConnectAsync();
        await other.SubscribeAsync("r", "c");
        await other.ReqAsync(m.Id, 0);
        // nsqd's RequeueMessage has the same ownership check as FIN.
        await other.AssertNonFatalAsync($"ERR E_REQ_FAILED REQ {m.Id} failed client does not own message");
    }

    [Theory]
    [InlineData("REQ", "ERR E_INVALID REQ insufficient number of params")]
    [InlineData("REQ 0000000000000000", "ERR E_INVALID REQ insufficient number of params")]
    [InlineData("REQ 00 0", "ERR E_INVALID invalid message ID")]
    [InlineData("REQ 0000000000000000 abc", "ERR E_INVALID REQ could not parse timeout abc")]
    [InlineData("REQ 0000000000000000 -1", "ERR E_INVALID REQ could not parse timeout -1")]
    public async Task Req_malformed_is_fatal(string line, string expected)
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        await c.SubscribeAsync("r", "c");
        await c.SendAsync(Frame(line));
        await c.AssertFatalAsync(expected);
    }

    [Fact]
    public async Task Req_before_sub_is_fatal()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        await c.ReqAsync("0000000000000000", 0);
        await c.AssertFatalAsync("ERR E_INVALID cannot REQ in current state");
    }
}
