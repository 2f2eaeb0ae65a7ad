using System.Buffers.Binary;
using static Nsqd.Core.Tests.Headers.HeaderWire;
using static Nsqd.Core.Tests.Infrastructure.ProtocolAssertions;

namespace Nsqd.Core.Tests.Headers;

/// <summary>PUB/MPUB/DPUB of a headers client: round trips, limits and malformed blocks.</summary>
public class HeadersPublishTests
{
    private static readonly (string, string)[] Trace = [("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"), ("X-Dup", "1"), ("X-Dup", "2")];

    [Fact]
    public async Task Pub_mpub_and_dpub_keep_headers_in_order_with_duplicates()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var sub = await broker.ConnectAsync();
        await SubscribeNegotiatedAsync(sub, "rt", "c");
        await using var pub = await broker.ConnectAsync();
        await NegotiateAsync(pub);
        byte[] mpub = [.. Int32(2), .. Int32(Payload(Block(Trace), "m1").Length), .. Payload(Block(Trace), "m1"),
            .. Int32(Payload(Block(), "m2").Length), .. Payload(Block(), "m2")];
        await pub.SendAsync(Concat(Cmd("PUB rt", Payload(Block(Trace), "p")), Cmd("MPUB rt", mpub), Cmd("DPUB rt 1", Payload(Block(("d", "")), "d"))));
        for (var i = 0; i < 3; i++) Assert.Equal("OK", await pub.ReadResponseTextAsync());

        var got = new Dictionary<string, List<(string, string)>>();
        for (var i = 0; i < 4; i++)
        {
            var m = await ReadAsync(sub);
            got[m.Body] = m.Headers;
        }
        Assert.Equal(Trace, got["p"]);
        Assert.Equal(Trace, got["m1"]);
        Assert.Empty(got["m2"]);
        Assert.Equal([("d", "")], got["d"]);
    }

    public static TheoryData<string, byte[], string> BadPayloads()
    {
        var tooMany = Block([.. Enumerable.Repeat(("n", "v"), 70)]);
        var tooBig = new byte[2 + 9000 + 1];
        BinaryPrimitives.WriteUInt16BigEndian(tooBig, 9000);
        return new()
        {
            { "too big", tooBig, "E_BAD_HEADERS {0} headers too big 9000 > 8192" },
            { "too many", Payload(tooMany, "b"), "E_BAD_HEADERS {0} too many headers 70 > 64" },
            { "longer than the message", [0, 9, 1, (byte)'a', 0, 0], "E_BAD_HEADERS {0} malformed headers" },
            { "truncated entry", [0, 3, 1, (byte)'a', 0, (byte)'b'], "E_BAD_HEADERS {0} malformed headers" },
            { "bad name", [0, 4, 1, (byte)':', 0, 0, (byte)'b'], "E_BAD_HEADERS {0} malformed headers" },
            { "one byte", [0], "E_BAD_HEADERS {0} malformed headers" },
            { "no body", Block(("a", "b")), "E_BAD_MESSAGE {0} invalid message body size 0" },
        };
    }

    [Theory]
    [MemberData(nameof(BadPayloads))]
    public async Task A_bad_block_is_fatal_for_pub_dpub_and_mpub_and_leaves_the_rest_alone(string why, byte[] payload, string error)
    {
        Assert.NotEmpty(why);
        await using var broker = await TestBroker.StartAsync();
        await using var other = await broker.ConnectAsync();
        await NegotiateAsync(other);
        await other.SendAsync(Cmd("PUB keep", Payload(Block(("k", "v")), "stored")));
        Assert.Equal("OK", await other.ReadResponseTextAsync());

        foreach (var (line, name) in new[] { ("PUB keep", "PUB"), ("DPUB keep 10", "DPUB"), ("MPUB keep", "MPUB") })
        {
            await using var c = await broker.ConnectAsync();
            await NegotiateAsync(c);
            var body = name == "MPUB" ? Concat(Int32(1), Int32(payload.Length), payload) : payload;
            await c.SendAsync(Cmd(line, body));
            var expected = "ERR " + string.Format(System.Globalization.CultureInfo.InvariantCulture, error, name);
            if (name == "MPUB") expected = expected.Replace("invalid message body size", "invalid message(0) body size", StringComparison.Ordinal);
            await c.AssertFatalAsync(expected);
        }

        // The other connection still publishes, and only its message was stored.
        await other.SendAsync(Cmd("PUB keep", Payload(Block(), "second")));
        Assert.Equal("OK", await other.ReadResponseTextAsync());
        await using var sub = await broker.ConnectAsync();
        await SubscribeNegotiatedAsync(sub, "keep", "c");
        var first = await ReadAsync(sub);
        var second = await ReadAsync(sub);
        Assert.Equal("stored", first.Body);
        Assert.Equal([("k", "v")], first.Headers);
        Assert.Equal("second", second.Body);
        await sub.AssertNothingWithinAsync(Short);
    }

    [Fact]
    public async Task Limits_follow_the_flags_and_max_msg_size_counts_the_body_only()
    {
        await using var broker = await TestBroker.StartAsync(o =>
        {
            o.MaxMsgHeaders = 2;
            o.MaxMsgHeadersSize = 20;
            o.MaxMsgSize = 10;
        });
        await using var c = await broker.ConnectAsync();
        await NegotiateAsync(c);
        // A 10-byte body after an 18-byte block: the size (28) is over max-msg-size, the body is not.
        await c.SendAsync(Cmd("PUB lim", Payload(Block(("a", "1234567"), ("b", "1")), "0123456789")));
        Assert.Equal("OK", await c.ReadResponseTextAsync());
        await c.SendAsync(Cmd("PUB lim", Payload(Block(("a", "1"), ("b", "1"), ("c", "1")), "x")));
        await c.AssertFatalAsync("ERR E_BAD_HEADERS PUB too many headers 3 > 2");

        await using var big = await broker.ConnectAsync();
        await NegotiateAsync(big);
        await big.SendAsync(Cmd("PUB lim", Payload(Block(("a", "1"), ("b", "1")), "01234567890")));
        await big.AssertFatalAsync("ERR E_BAD_MESSAGE PUB message too big 11 > 10");

        await using var huge = await broker.ConnectAsync();
        await NegotiateAsync(huge);
        await huge.SendAsync(SizeOnly("PUB lim", 10 + 2 + 20 + 1));
        await huge.AssertFatalAsync("ERR E_BAD_MESSAGE PUB message too big 33 > 10");
    }
}
