using System.Text;
using Nsqd.Core.Tests.Infrastructure;
using static Nsqd.Core.Tests.Infrastructure.ProtocolAssertions;

namespace Nsqd.Core.Tests.Protocol;

/// <summary>Spec §2.5 MPUB: body layout, validation texts, atomicity.</summary>
public class MpubTests
{
    [Fact]
    public async Task Mpub_queues_every_message_in_order()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        await c.PublishManyAsync("m", Enumerable.Range(0, 20).Select(i => $"b{i}"));
        await using var sub = await broker.ConnectAsync();
        await sub.SubscribeAsync("m", "c", rdy: 20);
        var got = await sub.ReadMessagesAsync(20);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"b{i}"), got.Select(m => m.Text()));
        Assert.Equal(20, got.Select(m => m.Id).Distinct().Count());
    }

    [Fact]
    public async Task Mpub_without_topic_is_fatal()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        await c.SendAsync(Frame("MPUB", MpubPayload("a"u8.ToArray())));
        await c.AssertFatalAsync("ERR E_INVALID MPUB insufficient number of parameters");
    }

    [Fact]
    public async Task Mpub_bad_topic_repeats_the_code_like_nsqd()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        await c.SendAsync(Frame("MPUB bad!t"));
        await c.AssertFatalAsync("ERR E_BAD_TOPIC E_BAD_TOPIC MPUB topic name \"bad!t\" is not valid");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public async Task Mpub_non_positive_body_size_is_fatal(int size)
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        await c.SendAsync(SizeOnly("MPUB t", size));
        await c.AssertFatalAsync($"ERR E_BAD_BODY MPUB invalid body size {size}");
    }

    [Fact]
    public async Task Mpub_body_too_big_is_refused_on_the_declared_size_alone()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        await c.SendAsync(SizeOnly("MPUB t", 5242881));
        await c.AssertFatalAsync("ERR E_BAD_BODY MPUB body too big 5242881 > 5242880");
    }

    [Fact]
    public async Task Mpub_zero_message_count_is_fatal()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        await c.SendAsync(Frame("MPUB t", Int32(0)));
        await c.AssertFatalAsync("ERR E_BAD_BODY MPUB invalid message count 0");
    }

    [Fact]
    public async Task Mpub_message_count_is_bounded_by_max_body_size()
    {
        await using var broker = await TestBroker.StartAsync(o => o.MaxBodySize = 1004);
        await using var c = await broker.ConnectAsync();
        // (1004 - 4) / 5 = 200 messages at most.
        await c.SendAsync(Frame("MPUB t", Concat(Int32(201), new byte[20])));
        await c.AssertFatalAsync("ERR E_BAD_BODY MPUB invalid message count 201");
    }

    [Fact]
    public async Task Mpub_with_an_empty_message_is_fatal_and_queues_nothing()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        await c.SendAsync(Frame("MPUB atomic", Concat(Int32(3), Int32(1), "a"u8.ToArray(), Int32(0), Int32(1), "c"u8.ToArray())));
        await c.AssertFatalAsync("ERR E_BAD_MESSAGE MPUB invalid message(1) body size 0");
        Assert.Equal(0, broker.Server.Broker.FindTopic("atomic")?.MessageCount ?? 0);
        Assert.Equal((0L, 0L), broker.Server.Broker.FindTopic("atomic")?.Depth() ?? (0L, 0L));
    }

    [Fact]
    public async Task Mpub_message_too_big_is_fatal_and_queues_nothing()
    {
        await using var broker = await TestBroker.StartAsync(o => o.MaxMsgSize = 10);
        await using var c = await broker.ConnectAsync();
        await c.SendAsync(Frame("MPUB atomic", MpubPayload(new byte[10], new byte[11])));
        await c.AssertFatalAsync("ERR E_BAD_MESSAGE MPUB message too big 11 > 10");
        Assert.Equal(0, broker.Server.Broker.FindTopic("atomic")?.MessageCount ?? 0);
    }

    [Fact]
    public async Task Mpub_inner_sizes_running_past_the_body_are_fatal()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        // body_size says 9 bytes: count + one size of 10 + one byte; the message would need 10.
        await c.SendAsync(Frame("MPUB t", Concat(Int32(1), Int32(10), "x"u8.ToArray())));
        await c.AssertFatalAsync("ERR E_BAD_MESSAGE MPUB failed to read message body");
    }

    [Fact]
    public async Task Mpub_missing_a_message_size_is_fatal()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        await c.SendAsync(Frame("MPUB t", Concat(Int32(2), Int32(1), "x"u8.ToArray())));
        await c.AssertFatalAsync("ERR E_BAD_MESSAGE MPUB failed to read message(1) body size");
    }

    [Fact]
    public async Task Mpub_of_several_megabytes_is_accepted()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        var bodies = Enumerable.Range(0, 40).Select(i => Enumerable.Repeat((byte)('a' + i % 26), 100_000).ToArray()).ToArray();
        await c.SendAsync(Frame("MPUB bulk", MpubPayload(bodies)));
        Assert.Equal("OK", await c.ReadResponseTextAsync(TimeSpan.FromSeconds(10)));
        await using var sub = await broker.ConnectAsync();
        await sub.SubscribeAsync("bulk", "c", rdy: 40);
        var got = await sub.ReadMessagesAsync(40, TimeSpan.FromSeconds(10));
        Assert.All(got, m => Assert.Equal(100_000, m.Body.Length));
        Assert.Equal(bodies.Select(b => (char)b[0]), got.Select(m => (char)m.Body[0]));
    }

    [Fact]
    public async Task Mpub_to_an_exiting_topic_is_E_MPUB_FAILED_and_fatal()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        await c.PublishAsync("gone", "x");
        broker.Server.Broker.FindTopic("gone")!.Delete();
        await c.SendAsync(Frame("MPUB gone", MpubPayload("y"u8.ToArray())));
        await c.AssertFatalAsync("ERR E_MPUB_FAILED MPUB failed exiting");
    }

    [Fact]
    public async Task Mpub_body_with_trailing_bytes_after_the_messages_is_refused()
    {
        // Deliberate difference: nsqd does not cross-check body_size (spec A.2 item 5) and would read the extra bytes
        // as the next command; we read exactly body_size bytes and refuse a body whose messages do not fill it.
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        var payload = Concat(MpubPayload("a"u8.ToArray()), "NOP\n"u8.ToArray());
        await c.SendAsync(Frame("MPUB t", payload));
        await c.AssertFatalAsync($"ERR E_BAD_BODY MPUB invalid body size {payload.Length}");
        Assert.Equal(0, broker.Server.Broker.FindTopic("t")?.MessageCount ?? 0);
    }

    [Fact]
    public async Task Mpub_split_in_small_chunks_is_reassembled()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        var bytes = Frame("MPUB chunky", MpubPayload(Enumerable.Range(0, 10).Select(i => Encoding.UTF8.GetBytes($"chunk{i}")).ToArray()));
        foreach (var part in bytes.Chunk(7)) await c.SendAsync(part);
        Assert.Equal("OK", await c.ReadResponseTextAsync());
        Assert.Equal(10, broker.Server.Broker.FindTopic("chunky")!.MessageCount);
    }

    [Fact]
    public async Task Mpub_of_exactly_max_body_size_is_accepted()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        // 4 + 4 × (4 + 1048576) + (4 + 1048552) = 5242880 = --max-body-size.
        var bodies = Enumerable.Range(0, 4).Select(_ => new byte[1048576]).Append(new byte[1048552]).ToArray();
        var payload = MpubPayload(bodies);
        Assert.Equal(5242880, payload.Length);
        await c.SendAsync(Frame("MPUB max", payload));
        Assert.Equal("OK", await c.ReadResponseTextAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(5, broker.Server.Broker.FindTopic("max")!.MessageCount);
    }
}
