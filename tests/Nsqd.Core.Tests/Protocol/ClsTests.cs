using Nsqd.Core.Tests.Infrastructure;
using static Nsqd.Core.Tests.Infrastructure.ProtocolAssertions;

namespace Nsqd.Core.Tests.Protocol;

/// <summary>Spec §2.5 CLS: CLOSE_WAIT, the server keeps the socket open, in-flight work can still be finished.</summary>
public class ClsTests
{
    [Fact]
    public async Task Cls_answers_close_wait_stops_delivery_and_keeps_the_connection()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var pub = await broker.ConnectAsync();
        await pub.PublishManyAsync("cls", ["a", "b", "c"]);
        await using var sub = await broker.ConnectAsync();
        await sub.SubscribeAsync("cls", "c", rdy: 1);
        var m = await sub.ReadMessageAsync();
        await sub.SendAsync(Frame("CLS"));
        Assert.Equal("CLOSE_WAIT", await sub.ReadResponseTextAsync());
        await sub.FinAsync(m.Id);
        await sub.AssertNothingWithinAsync(Short);
        Assert.False(await sub.IsClosedByServerAsync(TimeSpan.FromMilliseconds(200)));
        // REQ and TOUCH are accepted in the closing state too (answers are about the ID, not the state).
        await sub.ReqAsync(m.Id, 0);
        await sub.AssertNonFatalAsync($"ERR E_REQ_FAILED REQ {m.Id} failed ID not in flight");
        Assert.Equal(2, broker.Server.Broker.FindTopic("cls")!.FindChannel("c")!.Snapshot().Depth);
    }

    [Fact]
    public async Task Cls_before_sub_is_fatal()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        await c.SendAsync(Frame("CLS"));
        await c.AssertFatalAsync("ERR E_INVALID cannot CLS in current state");
    }

    [Fact]
    public async Task Cls_twice_is_fatal()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        await c.SubscribeAsync("cls", "c");
        await c.SendAsync(Frame("CLS"));
        Assert.Equal("CLOSE_WAIT", await c.ReadResponseTextAsync());
        await c.SendAsync(Frame("CLS"));
        await c.AssertFatalAsync("ERR E_INVALID cannot CLS in current state");
    }

    [Fact]
    public async Task Messages_held_at_cls_go_to_another_consumer_when_the_client_leaves()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var pub = await broker.ConnectAsync();
        await pub.PublishAsync("cls", "handover");
        var leaving = await broker.ConnectAsync();
        await leaving.SubscribeAsync("cls", "c", rdy: 1);
        var m = await leaving.ReadMessageAsync();
        await leaving.SendAsync(Frame("CLS"));
        Assert.Equal("CLOSE_WAIT", await leaving.ReadResponseTextAsync());
        await using var staying = await broker.ConnectAsync();
        await staying.SubscribeAsync("cls", "c", rdy: 1);
        await leaving.DisposeAsync();
        var again = await staying.ReadMessageAsync(TimeSpan.FromSeconds(3));
        Assert.Equal((m.Id, 2), (again.Id, (int)again.Attempts));
    }
}
