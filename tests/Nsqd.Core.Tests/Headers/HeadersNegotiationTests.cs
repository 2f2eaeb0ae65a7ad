using System.Text;
using Nsq.Protocol.V2;
using static Nsqd.Core.Tests.Headers.HeaderWire;
using static Nsqd.Core.Tests.Infrastructure.ProtocolAssertions;

namespace Nsqd.Core.Tests.Headers;

/// <summary>IDENTIFY <c>message_headers</c>, and that clients which did not ask see exactly nsqd's bytes.</summary>
public class HeadersNegotiationTests
{
    private static readonly object PlainNegotiation = new { feature_negotiation = true, client_id = "x", hostname = "h" };

    [Fact]
    public async Task A_client_that_does_not_ask_gets_the_same_identify_bytes_with_the_extension_on_or_off()
    {
        await using var on = await TestBroker.StartAsync();
        await using var off = await TestBroker.StartAsync(o => o.MessageHeaders = false);
        await using var a = await on.ConnectAsync();
        await using var b = await off.ConnectAsync();
        await a.IdentifyAsync(PlainNegotiation);
        await b.IdentifyAsync(PlainNegotiation);
        var (typeA, jsonA) = await a.ReadFrameAsync();
        var (typeB, jsonB) = await b.ReadFrameAsync();
        Assert.Equal(FrameType.Response, typeA);
        Assert.Equal(jsonB, jsonA);
        Assert.DoesNotContain("message_headers", Encoding.UTF8.GetString(jsonA), StringComparison.Ordinal);
        Assert.EndsWith("\"topology_zone\":\"\"}", Encoding.UTF8.GetString(jsonA), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_that_asks_gets_version_1_appended_and_without_negotiation_just_OK()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var plain = await broker.ConnectAsync();
        await plain.IdentifyAsync(PlainNegotiation);
        var plainJson = await plain.ReadResponseTextAsync();
        await using var asking = await broker.ConnectAsync();
        var json = await NegotiateAsync(asking, new { feature_negotiation = true, client_id = "x", hostname = "h", message_headers = 7 });
        Assert.Equal(plainJson[..^1] + ",\"message_headers\":1}", json);

        await using var noNegotiation = await broker.ConnectAsync();
        await noNegotiation.IdentifyAsync(new { message_headers = 1 });
        Assert.Equal("OK", await noNegotiation.ReadResponseTextAsync());
    }

    [Fact]
    public async Task A_negative_version_is_a_fatal_bad_body()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        await c.IdentifyAsync(new { feature_negotiation = true, message_headers = -1 });
        await c.AssertFatalAsync("ERR E_BAD_BODY IDENTIFY message headers (-1) is invalid");
    }

    [Fact]
    public async Task With_the_extension_off_the_answer_is_0_and_publishes_stay_plain()
    {
        await using var broker = await TestBroker.StartAsync(o => o.MessageHeaders = false);
        await using var c = await broker.ConnectAsync();
        Assert.EndsWith("\"message_headers\":0}", await NegotiateAsync(c), StringComparison.Ordinal);
        // The bytes that would be a block are body bytes here.
        var payload = Payload(Block(("k", "v")), "b");
        await c.SendAsync(Cmd("PUB off", payload));
        Assert.Equal("OK", await c.ReadResponseTextAsync());
        await using var sub = await broker.ConnectAsync();
        await sub.SubscribeAsync("off", "c", 1);
        Assert.Equal(payload, (await sub.ReadMessageAsync()).Body);
    }

    [Fact]
    public async Task A_plain_consumer_gets_byte_identical_frames_for_messages_with_and_without_headers()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var pub = await broker.ConnectAsync();
        await NegotiateAsync(pub);
        await pub.SendAsync(Concat(Cmd("PUB t", Payload(Block(), "same")), Cmd("PUB t", Payload(Block(("traceparent", "00-x"), ("a", "b")), "same"))));
        Assert.Equal("OK", await pub.ReadResponseTextAsync());
        Assert.Equal("OK", await pub.ReadResponseTextAsync());

        await using var sub = await broker.ConnectAsync();
        await sub.SubscribeAsync("t", "c", 2);
        var frames = new List<byte[]>();
        for (var i = 0; i < 2; i++)
        {
            var (type, data) = await sub.ReadNonHeartbeatAsync();
            Assert.Equal(FrameType.Message, type);
            frames.Add(data);
        }
        // Exactly today's layout: 26-byte header and the bare body; the two differ only in timestamp and ID.
        foreach (var f in frames)
        {
            Assert.Equal(MessageLayout.HeaderLength + 4, f.Length);
            Assert.Equal("same"u8.ToArray(), f[MessageLayout.HeaderLength..]);
            Assert.Equal(new byte[] { 0, 1 }, f[8..10]);
        }
    }

    [Fact]
    public async Task A_headers_consumer_gets_00_00_before_the_body_of_a_plain_message()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var pub = await broker.ConnectAsync();
        await pub.PublishAsync("plain", "body");
        await using var sub = await broker.ConnectAsync();
        await SubscribeNegotiatedAsync(sub, "plain", "c");
        var m = await ReadAsync(sub);
        Assert.Empty(m.Headers);
        Assert.Equal("body", m.Body);
        Assert.Equal(new byte[] { 0, 0, (byte)'b', (byte)'o', (byte)'d', (byte)'y' }, m.Raw[MessageLayout.HeaderLength..]);
    }
}
