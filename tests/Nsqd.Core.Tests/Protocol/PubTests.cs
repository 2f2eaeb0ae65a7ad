using System.Text;
using Nsq.Protocol.V2;
using Nsqd.Core.Tests.Infrastructure;
using static Nsqd.Core.Tests.Infrastructure.ProtocolAssertions;

namespace Nsqd.Core.Tests.Protocol;

/// <summary>Spec §2.5 PUB: response, message layout, every error text and that each one is fatal.</summary>
public class PubTests
{
    [Fact]
    public async Task Pub_delivers_a_message_with_a_hex_id_and_the_publish_time()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var sub = await broker.ConnectAsync();
        await sub.SubscribeAsync("t", "c", rdy: 1);
        await using var pub = await broker.ConnectAsync();
        var before = DateTime.UtcNow;
        await pub.PublishAsync("t", "hello");
        var m = await sub.ReadMessageAsync();
        Assert.Equal("hello", m.Text());
        Assert.Equal(1, m.Attempts);
        Assert.Matches("^[0-9a-f]{16}$", m.Id);
        var published = DateTime.UnixEpoch.AddTicks(m.Ts / 100);
        Assert.InRange(published, before.AddSeconds(-1), DateTime.UtcNow.AddSeconds(1));
    }

    [Fact]
    public async Task Pub_without_topic_is_fatal()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        await c.SendAsync(Frame("PUB", "x"u8.ToArray()));
        await c.AssertFatalAsync("ERR E_INVALID PUB insufficient number of parameters");
    }

    [Fact]
    public async Task Pub_bad_topic_is_refused_before_the_body_is_sent()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        await c.SendAsync(Frame("PUB bad!topic"));
        await c.AssertFatalAsync("ERR E_BAD_TOPIC PUB topic name \"bad!topic\" is not valid");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(int.MinValue)]
    public async Task Pub_non_positive_size_is_fatal(int size)
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        await c.SendAsync(SizeOnly("PUB t", size));
        await c.AssertFatalAsync($"ERR E_BAD_MESSAGE PUB invalid message body size {size}");
    }

    [Theory]
    [InlineData(1048577)]
    [InlineData(int.MaxValue)]
    public async Task Pub_too_big_is_refused_on_the_declared_size_alone(int size)
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        await c.SendAsync(SizeOnly("PUB t", size));
        await c.AssertFatalAsync($"ERR E_BAD_MESSAGE PUB message too big {size} > 1048576");
    }

    [Fact]
    public async Task Pub_limit_follows_max_msg_size()
    {
        await using var broker = await TestBroker.StartAsync(o => o.MaxMsgSize = 100);
        await using var c = await broker.ConnectAsync();
        await c.SendAsync(Frame("PUB t", new byte[100]));
        Assert.Equal("OK", await c.ReadResponseTextAsync());
        await c.SendAsync(Frame("PUB t", new byte[101]));
        await c.AssertFatalAsync("ERR E_BAD_MESSAGE PUB message too big 101 > 100");
    }

    [Fact]
    public async Task Pub_of_exactly_max_msg_size_is_accepted_and_delivered_intact()
    {
        await using var broker = await TestBroker.StartAsync();
        var body = new byte[1048576];
        new Random(42).NextBytes(body);
        await using var pub = await broker.ConnectAsync();
        await pub.SendAsync(Frame("PUB big", body));
        Assert.Equal("OK", await pub.ReadResponseTextAsync(TimeSpan.FromSeconds(10)));
        await using var sub = await broker.ConnectAsync();
        await sub.SubscribeAsync("big", "c", rdy: 1);
        var m = await sub.ReadMessageAsync(TimeSpan.FromSeconds(10));
        Assert.True(body.AsSpan().SequenceEqual(m.Body));
    }

    [Fact]
    public async Task Crlf_line_endings_are_accepted()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        await c.SendAsync(Frame("PUB t\r", "crlf"u8.ToArray()));
        Assert.Equal("OK", await c.ReadResponseTextAsync());
        await c.SendAsync("NOP\r\n");
        await c.AssertStillWorksAsync();
    }

    [Fact]
    public async Task Pipelined_pubs_get_one_ok_each_in_order_and_keep_their_order()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var pub = await broker.ConnectAsync();
        var bytes = Concat(Enumerable.Range(0, 200).Select(i => Frame("PUB order", Encoding.UTF8.GetBytes($"m{i}"))).ToArray());
        await pub.SendAsync(bytes);
        for (var i = 0; i < 200; i++) Assert.Equal("OK", await pub.ReadResponseTextAsync());
        await using var sub = await broker.ConnectAsync();
        await sub.SubscribeAsync("order", "c", rdy: 200);
        var got = await sub.ReadMessagesAsync(200);
        Assert.Equal(Enumerable.Range(0, 200).Select(i => $"m{i}"), got.Select(m => m.Text()));
    }

    [Fact]
    public async Task A_subscribed_connection_may_publish()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        await c.SubscribeAsync("t", "c");
        await c.PublishAsync("t", "self");
        await c.RdyAsync(1);
        Assert.Equal("self", (await c.ReadMessageAsync()).Text());
    }

    [Fact]
    public async Task Pub_to_an_exiting_topic_is_E_PUB_FAILED_and_fatal()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        await c.PublishAsync("gone", "x");
        // The race nsqd answers with "exiting": the topic is being deleted while a publish still finds it.
        broker.Server.Broker.FindTopic("gone")!.Delete();
        await c.SendAsync(o => CommandWriter.Pub(o, "gone", "y"u8));
        await c.AssertFatalAsync("ERR E_PUB_FAILED PUB failed exiting");
    }

    [Fact]
    public async Task A_body_arriving_one_byte_at_a_time_still_publishes()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        var bytes = Frame("PUB slow", "slowly-but-surely"u8.ToArray());
        foreach (var b in bytes) await c.SendAsync(new[] { b });
        Assert.Equal("OK", await c.ReadResponseTextAsync());
        await using var sub = await broker.ConnectAsync();
        await sub.SubscribeAsync("slow", "c", rdy: 1);
        Assert.Equal("slowly-but-surely", (await sub.ReadMessageAsync()).Text());
    }

    [Fact]
    public async Task Publishing_after_the_topic_was_deleted_recreates_it()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        await c.PublishAsync("again", "old");
        Assert.True(broker.Server.Broker.DeleteTopic("again"));
        await c.PublishAsync("again", "new");
        var topic = broker.Server.Broker.FindTopic("again")!;
        Assert.Equal(1, topic.MessageCount);
        await using var sub = await broker.ConnectAsync();
        await sub.SubscribeAsync("again", "c", rdy: 5);
        Assert.Equal("new", (await sub.ReadMessageAsync()).Text());
        await sub.AssertNothingWithinAsync(Short);
    }

    [Fact]
    public async Task Commands_pipelined_after_a_fatal_error_are_not_executed()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        await c.SendAsync(Concat(Frame("FOO"), Frame("PUB never", "x"u8.ToArray())));
        await c.AssertFatalAsync("ERR E_INVALID invalid command FOO");
        Assert.Null(broker.Server.Broker.FindTopic("never"));
    }

    [Fact]
    public async Task Responses_to_a_pipeline_with_a_non_fatal_error_keep_command_order()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        await c.SubscribeAsync("t", "c");
        await c.SendAsync(Concat(Frame("PUB t", "1"u8.ToArray()), Frame("FIN 0000000000000000"), Frame("PUB t", "2"u8.ToArray()),
            Frame("TOUCH 0000000000000001"), Frame("PUB t", "3"u8.ToArray())));
        Assert.Equal("OK", await c.ReadResponseTextAsync());
        Assert.Equal("ERR E_FIN_FAILED FIN 0000000000000000 failed ID not in flight", await c.ReadResponseTextAsync());
        Assert.Equal("OK", await c.ReadResponseTextAsync());
        Assert.Equal("ERR E_TOUCH_FAILED TOUCH 0000000000000001 failed ID not in flight", await c.ReadResponseTextAsync());
        Assert.Equal("OK", await c.ReadResponseTextAsync());
    }
}
