using System.Diagnostics;
using System.Net;
using System.Text;
using Nsq.Protocol.V2;
using Nsqd.Core.Tests.Infrastructure;

namespace Nsqd.Core.Tests.Http;

/// <summary>Spec §3.2 "/pub details": success, every error in nsqd's order, defer, and delivery over TCP.</summary>
public class PubTests
{
    [Fact]
    public async Task Pub_answers_OK_and_the_message_is_consumed_over_tcp()
    {
        await using var b = await TestBroker.StartAsync();
        using var http = b.HttpClient();
        await HttpAssert.OkTextAsync(await http.PostAsync("/pub?topic=ht", "hello http"));

        await using var sub = await b.ConnectAsync();
        await sub.SendAsync(o => CommandWriter.Sub(o, "ht", "c"));
        Assert.Equal("OK", await sub.ReadResponseTextAsync());
        await sub.SendAsync(o => CommandWriter.Rdy(o, 1));
        var m = await sub.ReadMessageAsync();
        Assert.Equal("hello http", Encoding.UTF8.GetString(m.Body));
        Assert.Equal(1, m.Attempts);
        Assert.Equal(16, m.Id.Length);
    }

    [Fact]
    public async Task Chunked_body_is_accepted_and_limited()
    {
        await using var b = await TestBroker.StartAsync(o => o.MaxMsgSize = 10);
        using var http = b.HttpClient();
        await HttpAssert.OkTextAsync(await http.PostAsync("/pub?topic=ch", HttpAssert.Chunked("0123456789"u8.ToArray())));
        await HttpAssert.ErrorAsync(await http.PostAsync("/pub?topic=ch", HttpAssert.Chunked("0123456789X"u8.ToArray())),
            HttpStatusCode.RequestEntityTooLarge, "MSG_TOO_BIG");
        var stats = await http.StatsJsonAsync("&topic=ch");
        Assert.Equal(1, stats.GetProperty("topics")[0].GetProperty("message_count").GetInt64());
    }

    [Fact]
    public async Task Too_big_is_413_MSG_TOO_BIG_before_anything_else()
    {
        await using var b = await TestBroker.StartAsync(o => o.MaxMsgSize = 10);
        using var http = b.HttpClient();
        // No topic at all: the size check still wins.
        await HttpAssert.ErrorAsync(await http.PostAsync("/pub", "0123456789X"), HttpStatusCode.RequestEntityTooLarge, "MSG_TOO_BIG");
        await HttpAssert.OkTextAsync(await http.PostAsync("/pub?topic=t", "0123456789"));
    }

    [Fact]
    public async Task Empty_body_is_400_MSG_EMPTY_before_the_topic_checks()
    {
        await using var b = await TestBroker.StartAsync();
        using var http = b.HttpClient();
        await HttpAssert.ErrorAsync(await http.PostAsync("/pub", ""), HttpStatusCode.BadRequest, "MSG_EMPTY");
        await HttpAssert.ErrorAsync(await http.PostAsync("/pub?topic=t", ""), HttpStatusCode.BadRequest, "MSG_EMPTY");
    }

    [Theory]
    [InlineData("/pub", "MISSING_ARG_TOPIC")]
    [InlineData("/pub?channel=x", "MISSING_ARG_TOPIC")]
    [InlineData("/pub?topic=", "INVALID_TOPIC")]
    [InlineData("/pub?topic=bad!name", "INVALID_TOPIC")]
    [InlineData("/pub?topic=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "INVALID_TOPIC")]
    [InlineData("/pub?topic=t%3Bx;y", "INVALID_REQUEST")]
    public async Task Topic_errors(string url, string message)
    {
        await using var b = await TestBroker.StartAsync();
        using var http = b.HttpClient();
        await HttpAssert.ErrorAsync(await http.PostAsync(url, "m"), HttpStatusCode.BadRequest, message);
    }

    [Theory]
    [InlineData("x")]
    [InlineData("")]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("3600001")]
    [InlineData("99999999999999999999")]
    public async Task Bad_defer_is_400_INVALID_DEFER_and_the_topic_is_still_created(string value)
    {
        await using var b = await TestBroker.StartAsync();
        using var http = b.HttpClient();
        await HttpAssert.ErrorAsync(await http.PostAsync($"/pub?topic=dt&defer={value}", "m"), HttpStatusCode.BadRequest, "INVALID_DEFER");
        var topic = b.Server.Broker.FindTopic("dt");
        Assert.NotNull(topic);
        Assert.Equal(0, topic.MessageCount);
    }

    [Fact]
    public async Task Defer_at_max_req_timeout_is_accepted()
    {
        await using var b = await TestBroker.StartAsync();
        using var http = b.HttpClient();
        await HttpAssert.OkTextAsync(await http.PostAsync("/pub?topic=dm&defer=3600000", "m"));
        await HttpAssert.OkTextAsync(await http.PostAsync("/pub?topic=dm&defer=0", "m"));
    }

    [Fact]
    public async Task Deferred_message_is_not_delivered_before_its_time()
    {
        await using var b = await TestBroker.StartAsync();
        using var http = b.HttpClient();
        await using var sub = await b.ConnectAsync();
        await sub.SendAsync(o => CommandWriter.Sub(o, "deferred", "c"));
        Assert.Equal("OK", await sub.ReadResponseTextAsync());
        await sub.SendAsync(o => CommandWriter.Rdy(o, 10));

        var sw = Stopwatch.StartNew();
        await HttpAssert.OkTextAsync(await http.PostAsync("/pub?topic=deferred&defer=600", "later"));
        var stats = await http.StatsJsonAsync("&topic=deferred&channel=c");
        Assert.Equal(1, stats.GetProperty("topics")[0].GetProperty("channels")[0].GetProperty("deferred_count").GetInt32());
        var m = await sub.ReadMessageAsync(TimeSpan.FromSeconds(5));
        Assert.True(sw.ElapsedMilliseconds >= 550, $"delivered after {sw.ElapsedMilliseconds} ms");
        Assert.Equal("later", Encoding.UTF8.GetString(m.Body));
    }

    [Fact]
    public async Task Publishing_while_exiting_is_503_EXITING()
    {
        await using var b = await TestBroker.StartAsync();
        using var http = b.HttpClient();
        await HttpAssert.OkTextAsync(await http.PostAsync("/pub?topic=ex", "m"));
        await b.Server.Broker.StopAsync();
        await HttpAssert.ErrorAsync(await http.PostAsync("/pub?topic=ex", "m"), HttpStatusCode.ServiceUnavailable, "EXITING");
        await HttpAssert.ErrorAsync(await http.PostAsync("/pub?topic=new", "m"), HttpStatusCode.ServiceUnavailable, "EXITING");
        await HttpAssert.ErrorAsync(await http.PostAsync("/mpub?topic=ex", "a\nb"), HttpStatusCode.ServiceUnavailable, "EXITING");
    }
}
