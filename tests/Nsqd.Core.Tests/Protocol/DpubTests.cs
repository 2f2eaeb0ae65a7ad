using System.Diagnostics;
using Nsq.Protocol.V2;
using Nsqd.Core.Tests.Infrastructure;
using static Nsqd.Core.Tests.Infrastructure.ProtocolAssertions;

namespace Nsqd.Core.Tests.Protocol;

/// <summary>Spec §1.7 and §2.5 DPUB.</summary>
public class DpubTests
{
    [Fact]
    public async Task Dpub_is_not_delivered_before_its_time_and_is_delivered_after()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var sub = await broker.ConnectAsync();
        await sub.SubscribeAsync("d", "c", rdy: 10);
        await using var pub = await broker.ConnectAsync();
        var sw = Stopwatch.StartNew();
        await pub.SendAsync(o => CommandWriter.Dpub(o, "d", 700, "later"u8));
        Assert.Equal("OK", await pub.ReadResponseTextAsync());
        await pub.PublishAsync("d", "now");
        Assert.Equal("now", (await sub.ReadMessageAsync()).Text());
        await sub.AssertNothingWithinAsync(TimeSpan.FromMilliseconds(550) - sw.Elapsed);
        var m = await sub.ReadMessageAsync(TimeSpan.FromSeconds(3));
        Assert.True(sw.ElapsedMilliseconds >= 650, $"delivered after {sw.ElapsedMilliseconds} ms");
        Assert.Equal("later", m.Text());
        Assert.Equal(1, m.Attempts);
    }

    [Fact]
    public async Task Dpub_zero_is_a_normal_publish()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var sub = await broker.ConnectAsync();
        await sub.SubscribeAsync("d", "c", rdy: 1);
        await using var pub = await broker.ConnectAsync();
        await pub.SendAsync(o => CommandWriter.Dpub(o, "d", 0, "zero"u8));
        Assert.Equal("OK", await pub.ReadResponseTextAsync());
        Assert.Equal("zero", (await sub.ReadMessageAsync(TimeSpan.FromMilliseconds(500))).Text());
    }

    [Theory]
    [InlineData("DPUB t", "ERR E_INVALID DPUB insufficient number of parameters")]
    [InlineData("DPUB", "ERR E_INVALID DPUB insufficient number of parameters")]
    [InlineData("DPUB x! 10", "ERR E_BAD_TOPIC DPUB topic name \"x!\" is not valid")]
    [InlineData("DPUB t -1", "ERR E_INVALID DPUB could not parse timeout -1")]
    [InlineData("DPUB t 1s", "ERR E_INVALID DPUB could not parse timeout 1s")]
    [InlineData("DPUB t 99999999", "ERR E_INVALID DPUB timeout 99999999 out of range 0-3600000")]
    [InlineData("DPUB t 3600001", "ERR E_INVALID DPUB timeout 3600001 out of range 0-3600000")]
    public async Task Dpub_parameter_errors_are_fatal_before_the_body(string line, string expected)
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        await c.SendAsync(Frame(line));
        await c.AssertFatalAsync(expected);
    }

    [Fact]
    public async Task Dpub_upper_bound_is_inclusive_and_follows_max_defer_timeout()
    {
        // --max-req-timeout no longer limits DPUB (#1499): only --max-defer-timeout does.
        await using var broker = await TestBroker.StartAsync(o =>
        {
            o.MaxDeferTimeout = TimeSpan.FromSeconds(10);
            o.MaxReqTimeout = TimeSpan.FromSeconds(1);
        });
        await using var c = await broker.ConnectAsync();
        await c.SendAsync(o => CommandWriter.Dpub(o, "t", 10000, "edge"u8));
        Assert.Equal("OK", await c.ReadResponseTextAsync());
        await c.SendAsync(o => CommandWriter.Dpub(o, "t", 10001, "over"u8));
        await c.AssertFatalAsync("ERR E_INVALID DPUB timeout 10001 out of range 0-10000");
    }

    [Fact]
    public async Task Dpub_body_errors_name_DPUB()
    {
        await using var broker = await TestBroker.StartAsync();
        await using (var c = await broker.ConnectAsync())
        {
            await c.SendAsync(SizeOnly("DPUB t 10", 0));
            await c.AssertFatalAsync("ERR E_BAD_MESSAGE DPUB invalid message body size 0");
        }
        await using (var c = await broker.ConnectAsync())
        {
            await c.SendAsync(SizeOnly("DPUB t 10", 1048577));
            await c.AssertFatalAsync("ERR E_BAD_MESSAGE DPUB message too big 1048577 > 1048576");
        }
    }

    [Fact]
    public async Task Dpub_to_an_exiting_topic_is_E_DPUB_FAILED_and_fatal()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        await c.PublishAsync("gone", "x");
        broker.Server.Broker.FindTopic("gone")!.Delete();
        await c.SendAsync(o => CommandWriter.Dpub(o, "gone", 5, "y"u8));
        await c.AssertFatalAsync("ERR E_DPUB_FAILED DPUB failed exiting");
    }

    [Fact]
    public async Task Dpub_copies_are_deferred_on_every_channel()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var a = await broker.ConnectAsync();
        await using var b = await broker.ConnectAsync();
        await a.SubscribeAsync("fan", "a", rdy: 1);
        await b.SubscribeAsync("fan", "b", rdy: 1);
        await using var pub = await broker.ConnectAsync();
        var sw = Stopwatch.StartNew();
        await pub.SendAsync(o => CommandWriter.Dpub(o, "fan", 500, "both"u8));
        Assert.Equal("OK", await pub.ReadResponseTextAsync());
        var channel = broker.Server.Broker.FindTopic("fan")!.FindChannel("b")!;
        Assert.Equal(1, channel.Snapshot().Deferred);
        await a.AssertNothingWithinAsync(TimeSpan.FromMilliseconds(400) - sw.Elapsed);
        var ma = await a.ReadMessageAsync(TimeSpan.FromSeconds(3));
        var mb = await b.ReadMessageAsync(TimeSpan.FromSeconds(3));
        Assert.True(sw.ElapsedMilliseconds >= 450);
        Assert.Equal(ma.Id, mb.Id);
        Assert.Equal(ma.Ts, mb.Ts);
    }

    [Fact]
    public async Task Dpub_to_a_topic_without_channels_is_deferred_once_a_channel_appears()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var pub = await broker.ConnectAsync();
        await pub.SendAsync(o => CommandWriter.Dpub(o, "dlate", 500, "waits"u8));
        Assert.Equal("OK", await pub.ReadResponseTextAsync());
        await using var sub = await broker.ConnectAsync();
        await sub.SubscribeAsync("dlate", "c", rdy: 1);
        var sw = Stopwatch.StartNew();
        await sub.AssertNothingWithinAsync(TimeSpan.FromMilliseconds(380));
        Assert.Equal("waits", (await sub.ReadMessageAsync(TimeSpan.FromSeconds(3))).Text());
        Assert.True(sw.ElapsedMilliseconds >= 400);
    }
}
