using System.Buffers.Binary;
using System.Net;
using System.Text;
using Nsq.Protocol.V2;
using Nsqd.Core.Tests.Infrastructure;

namespace Nsqd.Core.Tests.Http;

/// <summary>Spec §3.2 "/mpub details": text and binary modes, their limits and error codes.</summary>
public class MpubTests
{
    private static async Task<List<string>> ConsumeAsync(TestBroker b, string topic, int count)
    {
        await using var sub = await b.ConnectAsync();
        await sub.SendAsync(o => CommandWriter.Sub(o, topic, "c"));
        Assert.Equal("OK", await sub.ReadResponseTextAsync());
        await sub.SendAsync(o => CommandWriter.Rdy(o, 100));
        var got = new List<string>();
        for (var i = 0; i < count; i++) got.Add(Encoding.UTF8.GetString((await sub.ReadMessageAsync()).Body));
        return got;
    }

    private static byte[] Binary(params byte[][] bodies)
    {
        var ms = new MemoryStream();
        Span<byte> n = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(n, bodies.Length);
        ms.Write(n);
        foreach (var body in bodies)
        {
            BinaryPrimitives.WriteInt32BigEndian(n, body.Length);
            ms.Write(n);
            ms.Write(body);
        }
        return ms.ToArray();
    }

    [Fact]
    public async Task Text_mode_splits_on_newline_keeps_cr_and_skips_empty_lines()
    {
        await using var b = await TestBroker.StartAsync();
        using var http = b.HttpClient();
        await HttpAssert.OkTextAsync(await http.PostAsync("/mpub?topic=mt", "one\n\ntwo\r\n\nthree"));
        var got = await ConsumeAsync(b, "mt", 3);
        Assert.Equal(["one", "two\r", "three"], got);
    }

    [Fact]
    public async Task Text_mode_with_binary_false_or_0()
    {
        await using var b = await TestBroker.StartAsync();
        using var http = b.HttpClient();
        await HttpAssert.OkTextAsync(await http.PostAsync("/mpub?topic=mf&binary=false", "a\nb\n"));
        await HttpAssert.OkTextAsync(await http.PostAsync("/mpub?topic=mf&binary=0", "c"));
        var stats = await http.StatsJsonAsync("&topic=mf");
        Assert.Equal(3, stats.GetProperty("topics")[0].GetProperty("message_count").GetInt64());
    }

    [Fact]
    public async Task Empty_body_is_OK_and_publishes_nothing()
    {
        await using var b = await TestBroker.StartAsync();
        using var http = b.HttpClient();
        await HttpAssert.OkTextAsync(await http.PostAsync("/mpub?topic=me", ""));
        await HttpAssert.OkTextAsync(await http.PostAsync("/mpub?topic=me", "\n\n"));
        Assert.Equal(0, b.Server.Broker.FindTopic("me")!.MessageCount);
    }

    [Fact]
    public async Task Text_mode_limits()
    {
        await using var b = await TestBroker.StartAsync(o =>
        {
            o.MaxMsgSize = 5;
            o.MaxBodySize = 20;
        });
        using var http = b.HttpClient();
        await HttpAssert.ErrorAsync(await http.PostAsync("/mpub?topic=ml", "ok\ntoolong\n"), HttpStatusCode.RequestEntityTooLarge, "MSG_TOO_BIG");
        await HttpAssert.ErrorAsync(await http.PostAsync("/mpub?topic=ml", new string('a', 21)), HttpStatusCode.RequestEntityTooLarge, "BODY_TOO_BIG");
        await HttpAssert.ErrorAsync(await http.PostAsync("/mpub?topic=ml", HttpAssert.Chunked(Encoding.ASCII.GetBytes("abc\nabc\nabc\nabc\nabc\nabc\n"))),
            HttpStatusCode.RequestEntityTooLarge, "BODY_TOO_BIG");
        await HttpAssert.OkTextAsync(await http.PostAsync("/mpub?topic=ml", "12345\n12345\n1234"));
        Assert.Equal(3, b.Server.Broker.FindTopic("ml")!.MessageCount);
    }

    [Fact]
    public async Task Body_too_big_is_checked_before_the_topic()
    {
        await using var b = await TestBroker.StartAsync(o => o.MaxBodySize = 4);
        using var http = b.HttpClient();
        await HttpAssert.ErrorAsync(await http.PostAsync("/mpub", "12345"), HttpStatusCode.RequestEntityTooLarge, "BODY_TOO_BIG");
        await HttpAssert.ErrorAsync(await http.PostAsync("/mpub", "1"), HttpStatusCode.BadRequest, "MISSING_ARG_TOPIC");
        await HttpAssert.ErrorAsync(await http.PostAsync("/mpub?topic=a*", "1"), HttpStatusCode.BadRequest, "INVALID_TOPIC");
    }

    [Theory]
    [InlineData("true")]
    [InlineData("1")]
    [InlineData("yes")]
    public async Task Binary_mode_including_unrecognised_values(string flag)
    {
        await using var b = await TestBroker.StartAsync();
        using var http = b.HttpClient();
        var body = Binary("first"u8.ToArray(), "sec\nond"u8.ToArray());
        await HttpAssert.OkTextAsync(await http.PostAsync($"/mpub?topic=mb&binary={flag}", body));
        var got = await ConsumeAsync(b, "mb", 2);
        Assert.Equal(["first", "sec\nond"], got.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Binary_mode_errors_are_413_BAD_BODY_and_BAD_MESSAGE()
    {
        await using var b = await TestBroker.StartAsync(o => o.MaxMsgSize = 10);
        using var http = b.HttpClient();
        async Task Expect(byte[] body, string message)
            => await HttpAssert.ErrorAsync(await http.PostAsync("/mpub?topic=be&binary=true", body), HttpStatusCode.RequestEntityTooLarge, message);

        await Expect([], "BAD_BODY");
        await Expect([0, 0], "BAD_BODY");
        await Expect([0, 0, 0, 0], "BAD_BODY");
        await Expect([0xff, 0xff, 0xff, 0xff], "BAD_BODY");
        await Expect([0x7f, 0xff, 0xff, 0xff], "BAD_BODY");
        await Expect([0, 0, 0, 1, 0, 0], "BAD_MESSAGE");
        await Expect(Binary(Array.Empty<byte>()), "BAD_MESSAGE");
        await Expect(Binary(new byte[11]), "BAD_MESSAGE");
        var truncated = Binary("abcdef"u8.ToArray());
        await Expect(truncated[..^2], "BAD_MESSAGE");
        Assert.Equal(0, b.Server.Broker.FindTopic("be")!.MessageCount);
    }
}
