using System.Diagnostics;
using Nsq.Protocol.V2;
using Nsqd.Core.Tests.Infrastructure;
using static Nsqd.Core.Tests.Infrastructure.ProtocolAssertions;

namespace Nsqd.Core.Tests.Protocol;

/// <summary>Spec §2.2 read deadline and §2.7 heartbeats.</summary>
public class HeartbeatTests
{
    private static bool IsHeartbeat((FrameType Type, byte[] Data) f)
        => f.Type == FrameType.Response && f.Data.AsSpan().SequenceEqual(Responses.Heartbeat);

    [Fact]
    public async Task Heartbeat_arrives_every_interval_on_a_consumer()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        await c.SubscribeAsync("hb", "c", identify: new { heartbeat_interval = 1000 });
        var sw = Stopwatch.StartNew();
        var f = await c.ReadFrameAsync(TimeSpan.FromSeconds(3));
        Assert.True(IsHeartbeat(f));
        Assert.InRange(sw.ElapsedMilliseconds, 800, 1600);
        await c.SendAsync(Frame("NOP"));
        Assert.True(IsHeartbeat(await c.ReadFrameAsync(TimeSpan.FromSeconds(3))));
        Assert.InRange(sw.ElapsedMilliseconds, 1800, 2700);
    }

    [Fact]
    public async Task A_silent_client_is_dropped_after_two_intervals_without_an_error_frame()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        await c.IdentifyAsync(new { heartbeat_interval = 1000 });
        Assert.Equal("OK", await c.ReadResponseTextAsync());
        var sw = Stopwatch.StartNew();
        await c.AssertClosedWithoutErrorAsync(TimeSpan.FromSeconds(4));
        Assert.InRange(sw.ElapsedMilliseconds, 1700, 3000);
    }

    [Fact]
    public async Task Answering_with_nop_keeps_the_connection_past_two_intervals()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        await c.SubscribeAsync("hb", "c", identify: new { heartbeat_interval = 1000 });
        for (var i = 0; i < 3; i++)
        {
            Assert.True(IsHeartbeat(await c.ReadFrameAsync(TimeSpan.FromSeconds(3))));
            await c.SendAsync(Frame("NOP"));
        }
        await c.AssertStillWorksAsync();
    }

    [Fact]
    public async Task Producers_and_closing_consumers_get_heartbeats_too()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var producer = await broker.ConnectAsync();
        await producer.IdentifyAsync(new { heartbeat_interval = 1000 });
        Assert.Equal("OK", await producer.ReadResponseTextAsync());
        await producer.PublishAsync("hb", "x");
        await using var closing = await broker.ConnectAsync();
        await closing.SubscribeAsync("hb", "c", identify: new { heartbeat_interval = 1000 });
        await closing.SendAsync(Frame("CLS"));
        Assert.Equal("CLOSE_WAIT", await closing.ReadResponseTextAsync());
        Assert.True(IsHeartbeat(await producer.ReadFrameAsync(TimeSpan.FromSeconds(3))));
        Assert.True(IsHeartbeat(await closing.ReadFrameAsync(TimeSpan.FromSeconds(3))));
    }

    [Fact]
    public async Task Heartbeats_are_sent_even_while_messages_flow()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        await c.SubscribeAsync("hb", "c", rdy: 1000, identify: new { heartbeat_interval = 1000 });
        await using var pub = await broker.ConnectAsync();
        var sw = Stopwatch.StartNew();
        var sawHeartbeat = false;
        while (!sawHeartbeat && sw.ElapsedMilliseconds < 2500)
        {
            await pub.PublishAsync("hb", "tick");
            var f = await c.ReadFrameAsync();
            if (IsHeartbeat(f)) sawHeartbeat = true;
            else await c.FinAsync(System.Text.Encoding.ASCII.GetString(f.Data, 10, 16));
        }
        Assert.True(sawHeartbeat);
    }
}
