using Nsq.Protocol.V2;
using Nsqd.Core.Tests.Infrastructure;
using static Nsqd.Core.Tests.Infrastructure.ProtocolAssertions;

namespace Nsqd.Core.Tests.Protocol;

/// <summary>Spec §1.2 and §2.5 SUB.</summary>
public class SubTests
{
    [Fact]
    public async Task Sub_answers_OK_and_sends_nothing_before_RDY()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var sub = await broker.ConnectAsync();
        await sub.SubscribeAsync("t", "c");
        await using var pub = await broker.ConnectAsync();
        await pub.PublishAsync("t", "waiting");
        await sub.AssertNothingWithinAsync(Short);
        await sub.RdyAsync(1);
        Assert.Equal("waiting", (await sub.ReadMessageAsync()).Text());
    }

    [Theory]
    [InlineData("SUB t", "ERR E_INVALID SUB insufficient number of parameters")]
    [InlineData("SUB", "ERR E_INVALID SUB insufficient number of parameters")]
    [InlineData("SUB bad!topic c", "ERR E_BAD_TOPIC SUB topic name \"bad!topic\" is not valid")]
    [InlineData("SUB t bad!ch", "ERR E_BAD_CHANNEL SUB channel name \"bad!ch\" is not valid")]
    [InlineData("SUB  c", "ERR E_BAD_TOPIC SUB topic name \"\" is not valid")]
    [InlineData("SUB t c\"q", "ERR E_BAD_CHANNEL SUB channel name \"c\\\"q\" is not valid")]
    public async Task Sub_parameter_errors_are_fatal(string line, string expected)
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        await c.SendAsync(Frame(line));
        await c.AssertFatalAsync(expected);
    }

    [Fact]
    public async Task Second_sub_is_fatal()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        await c.SubscribeAsync("t", "a");
        await c.SendAsync(Frame("SUB t b"));
        await c.AssertFatalAsync("ERR E_INVALID cannot SUB in current state");
    }

    [Fact]
    public async Task Sub_with_heartbeats_disabled_is_fatal()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        await c.IdentifyAsync(new { heartbeat_interval = -1 });
        Assert.Equal("OK", await c.ReadResponseTextAsync());
        await c.SendAsync(Frame("SUB t c"));
        await c.AssertFatalAsync("ERR E_INVALID cannot SUB with heartbeats disabled");
    }

    [Fact]
    public async Task Identify_after_sub_is_fatal()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        await c.SubscribeAsync("t", "c");
        await c.IdentifyAsync(new { client_id = "late" });
        await c.AssertFatalAsync("ERR E_INVALID cannot IDENTIFY in current state");
    }

    [Fact]
    public async Task Max_channel_consumers_refuses_the_extra_consumer_with_E_SUB_FAILED()
    {
        await using var broker = await TestBroker.StartAsync(o => o.MaxChannelConsumers = 2);
        await using var a = await broker.ConnectAsync();
        await using var b = await broker.ConnectAsync();
        await using var c = await broker.ConnectAsync();
        await a.SubscribeAsync("lim", "ch");
        await b.SubscribeAsync("lim", "ch");
        await c.SendAsync(Frame("SUB lim ch"));
        await c.AssertFatalAsync("ERR E_SUB_FAILED SUB failed consumers for lim:ch exceeds limit of 2");
        // Another channel of the same topic has its own limit; the existing consumers are untouched.
        await using var d = await broker.ConnectAsync();
        await d.SubscribeAsync("lim", "other");
        await a.AssertStillWorksAsync();
        // A freed slot can be taken again.
        await b.DisposeAsync();
        await EventuallyAsync(() => broker.Server.Broker.FindTopic("lim")!.FindChannel("ch")!.Clients.Length == 1, "slot freed");
        await using var e = await broker.ConnectAsync();
        await e.SubscribeAsync("lim", "ch");
    }

    [Fact]
    public async Task Consumers_of_one_channel_share_the_messages_without_duplicates()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var a = await broker.ConnectAsync();
        await using var b = await broker.ConnectAsync();
        await a.SubscribeAsync("lb", "c", rdy: 1);
        await b.SubscribeAsync("lb", "c", rdy: 1);
        await using var pub = await broker.ConnectAsync();
        await pub.PublishManyAsync("lb", Enumerable.Range(0, 40).Select(i => $"m{i}"));
        var seen = new List<string>();
        var perClient = new Dictionary<RawClient, int> { [a] = 0, [b] = 0 };
        // Each client holds one message at a time: a must not get everything while b is ready too.
        while (seen.Count < 40)
        {
            foreach (var c in new[] { a, b })
            {
                if (seen.Count >= 40) break;
                try
                {
                    var m = await c.ReadMessageAsync(TimeSpan.FromMilliseconds(200));
                    seen.Add(m.Text());
                    perClient[c]++;
                    await c.FinAsync(m.Id);
                }
                catch (TimeoutException)
                {
                }
            }
        }
        Assert.Equal(40, seen.Distinct().Count());
        Assert.True(perClient[a] > 0 && perClient[b] > 0, $"a={perClient[a]} b={perClient[b]}");
    }

    [Fact]
    public async Task Topic_backlog_goes_to_the_first_channel_only()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var pub = await broker.ConnectAsync();
        await pub.PublishManyAsync("backlog", ["one", "two", "three"]);
        await using var first = await broker.ConnectAsync();
        await first.SubscribeAsync("backlog", "first", rdy: 10);
        Assert.Equal(["one", "two", "three"], (await first.ReadMessagesAsync(3)).Select(m => m.Text()));
        await using var second = await broker.ConnectAsync();
        await second.SubscribeAsync("backlog", "second", rdy: 10);
        await second.AssertNothingWithinAsync(Short);
        await pub.PublishAsync("backlog", "four");
        Assert.Equal("four", (await second.ReadMessageAsync()).Text());
        Assert.Equal("four", (await first.ReadMessageAsync()).Text());
    }

    [Fact]
    public async Task Pipelined_identify_sub_rdy_without_waiting_works()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var pub = await broker.ConnectAsync();
        await pub.PublishAsync("pipe", "hi");
        await using var c = await broker.ConnectAsync();
        await c.SendAsync(Concat(Frame("IDENTIFY", RawClient.JsonSerialize(new { client_id = "p" })), Frame("SUB pipe c"), Frame("RDY 1")));
        Assert.Equal("OK", await c.ReadResponseTextAsync());
        Assert.Equal("OK", await c.ReadResponseTextAsync());
        Assert.Equal("hi", (await c.ReadMessageAsync()).Text());
    }

    [Fact]
    public async Task Sub_ok_always_precedes_messages_released_by_a_pipelined_rdy()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var pub = await broker.ConnectAsync();
        await pub.PublishManyAsync("race", Enumerable.Range(0, 30).Select(i => $"m{i}"));
        // Commands after the RDY keep the reader busy while the pump could already deliver.
        var tail = Concat(Enumerable.Range(0, 2000).Select(_ => Frame("PUB other", "x"u8.ToArray())).ToArray());
        for (var i = 0; i < 10; i++)
        {
            await using var c = await broker.ConnectAsync();
            await c.SendAsync(Concat(Frame("SUB race c"), Frame("RDY 1"), tail));
            var first = await c.ReadFrameAsync();
            Assert.Equal(FrameType.Response, first.Type);
            Assert.Equal("OK", System.Text.Encoding.ASCII.GetString(first.Data));
            // Then the message somewhere among the PUB answers; it stays in flight and is requeued on close.
            while ((await c.ReadFrameAsync()).Type != FrameType.Message)
            {
            }
        }
    }
}
