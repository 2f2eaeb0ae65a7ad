using System.Net;
using System.Text.Json;
using Nsq.Protocol.V2;
using Nsqd.Core.Tests.Infrastructure;

namespace Nsqd.Core.Tests.Http;

/// <summary>Spec §3.2 table: /topic/* and /channel/* status/message pairs, pause persistence (§1.10, §5.2).</summary>
public class AdminTests
{
    [Fact]
    public async Task Topic_create()
    {
        await using var b = await TestBroker.StartAsync();
        using var http = b.HttpClient();
        await HttpAssert.OkEmptyAsync(await http.PostAsync("/topic/create?topic=tc"));
        Assert.NotNull(b.Server.Broker.FindTopic("tc"));
        await HttpAssert.OkEmptyAsync(await http.PostAsync("/topic/create?topic=tc"));
        await HttpAssert.ErrorAsync(await http.PostAsync("/topic/create"), HttpStatusCode.BadRequest, "MISSING_ARG_TOPIC");
        await HttpAssert.ErrorAsync(await http.PostAsync("/topic/create?topic=a/b"), HttpStatusCode.BadRequest, "INVALID_TOPIC");
    }

    [Fact]
    public async Task Topic_delete()
    {
        await using var b = await TestBroker.StartAsync();
        using var http = b.HttpClient();
        await HttpAssert.OkEmptyAsync(await http.PostAsync("/topic/create?topic=td"));
        await HttpAssert.OkEmptyAsync(await http.PostAsync("/topic/delete?topic=td"));
        Assert.Null(b.Server.Broker.FindTopic("td"));
        await HttpAssert.ErrorAsync(await http.PostAsync("/topic/delete?topic=td"), HttpStatusCode.NotFound, "TOPIC_NOT_FOUND");
        // No name validation on delete: an invalid name is just not found.
        await HttpAssert.ErrorAsync(await http.PostAsync("/topic/delete?topic=bad!"), HttpStatusCode.NotFound, "TOPIC_NOT_FOUND");
        await HttpAssert.ErrorAsync(await http.PostAsync("/topic/delete"), HttpStatusCode.BadRequest, "MISSING_ARG_TOPIC");
    }

    [Fact]
    public async Task Topic_empty()
    {
        await using var b = await TestBroker.StartAsync();
        using var http = b.HttpClient();
        await HttpAssert.OkTextAsync(await http.PostAsync("/mpub?topic=te", "a\nb\nc"));
        Assert.Equal(3, (await TopicAsync(http, "te")).GetProperty("depth").GetInt64());
        await HttpAssert.OkEmptyAsync(await http.PostAsync("/topic/empty?topic=te"));
        Assert.Equal(0, (await TopicAsync(http, "te")).GetProperty("depth").GetInt64());
        await HttpAssert.ErrorAsync(await http.PostAsync("/topic/empty"), HttpStatusCode.BadRequest, "MISSING_ARG_TOPIC");
        await HttpAssert.ErrorAsync(await http.PostAsync("/topic/empty?topic=bad!"), HttpStatusCode.BadRequest, "INVALID_TOPIC");
        await HttpAssert.ErrorAsync(await http.PostAsync("/topic/empty?topic=nope"), HttpStatusCode.NotFound, "TOPIC_NOT_FOUND");
    }

    [Fact]
    public async Task Topic_pause_and_unpause()
    {
        await using var b = await TestBroker.StartAsync();
        using var http = b.HttpClient();
        await HttpAssert.OkEmptyAsync(await http.PostAsync("/topic/create?topic=tp"));
        await HttpAssert.OkEmptyAsync(await http.PostAsync("/topic/pause?topic=tp"));
        Assert.True((await TopicAsync(http, "tp")).GetProperty("paused").GetBoolean());
        Assert.Contains("\"paused\":true", File.ReadAllText(Path.Combine(b.DataPath, "nsqd.dat")), StringComparison.Ordinal);
        await HttpAssert.OkEmptyAsync(await http.PostAsync("/topic/unpause?topic=tp"));
        Assert.False((await TopicAsync(http, "tp")).GetProperty("paused").GetBoolean());
        foreach (var path in new[] { "/topic/pause", "/topic/unpause" })
        {
            await HttpAssert.ErrorAsync(await http.PostAsync(path), HttpStatusCode.BadRequest, "MISSING_ARG_TOPIC");
            await HttpAssert.ErrorAsync(await http.PostAsync(path + "?topic=nope"), HttpStatusCode.NotFound, "TOPIC_NOT_FOUND");
        }
    }

    [Fact]
    public async Task Paused_topic_holds_messages_until_unpaused()
    {
        await using var b = await TestBroker.StartAsync();
        using var http = b.HttpClient();
        await HttpAssert.OkEmptyAsync(await http.PostAsync("/topic/create?topic=hold"));
        await HttpAssert.OkEmptyAsync(await http.PostAsync("/channel/create?topic=hold&channel=c"));
        await HttpAssert.OkEmptyAsync(await http.PostAsync("/topic/pause?topic=hold"));
        await HttpAssert.OkTextAsync(await http.PostAsync("/pub?topic=hold", "m"));
        var t = await TopicAsync(http, "hold");
        Assert.Equal(1, t.GetProperty("depth").GetInt64());
        Assert.Equal(0, t.GetProperty("channels")[0].GetProperty("depth").GetInt64());
        await HttpAssert.OkEmptyAsync(await http.PostAsync("/topic/unpause?topic=hold"));
        await HttpAssert.EventuallyAsync(async () =>
            (await TopicAsync(http, "hold")).GetProperty("channels")[0].GetProperty("depth").GetInt64() == 1, "drain to channel");
    }

    [Fact]
    public async Task Channel_argument_errors_are_shared_by_every_channel_endpoint()
    {
        await using var b = await TestBroker.StartAsync();
        using var http = b.HttpClient();
        foreach (var op in new[] { "create", "delete", "empty", "pause", "unpause" })
        {
            var path = "/channel/" + op;
            await HttpAssert.ErrorAsync(await http.PostAsync(path), HttpStatusCode.BadRequest, "MISSING_ARG_TOPIC");
            await HttpAssert.ErrorAsync(await http.PostAsync(path + "?topic=bad!&channel=c"), HttpStatusCode.BadRequest, "INVALID_ARG_TOPIC");
            await HttpAssert.ErrorAsync(await http.PostAsync(path + "?topic=t"), HttpStatusCode.BadRequest, "MISSING_ARG_CHANNEL");
            await HttpAssert.ErrorAsync(await http.PostAsync(path + "?topic=t&channel=bad!"), HttpStatusCode.BadRequest, "INVALID_ARG_CHANNEL");
            await HttpAssert.ErrorAsync(await http.PostAsync(path + "?topic=nope&channel=c"), HttpStatusCode.NotFound, "TOPIC_NOT_FOUND");
        }
    }

    [Fact]
    public async Task Channel_create_and_delete()
    {
        await using var b = await TestBroker.StartAsync();
        using var http = b.HttpClient();
        await HttpAssert.OkEmptyAsync(await http.PostAsync("/topic/create?topic=cc"));
        await HttpAssert.OkEmptyAsync(await http.PostAsync("/channel/create?topic=cc&channel=ch"));
        await HttpAssert.OkEmptyAsync(await http.PostAsync("/channel/create?topic=cc&channel=ch"));
        Assert.Equal("ch", (await TopicAsync(http, "cc")).GetProperty("channels")[0].GetProperty("channel_name").GetString());

        await using var sub = await b.ConnectAsync();
        await sub.SendAsync(o => CommandWriter.Sub(o, "cc", "ch"));
        Assert.Equal("OK", await sub.ReadResponseTextAsync());
        await HttpAssert.OkEmptyAsync(await http.PostAsync("/channel/delete?topic=cc&channel=ch"));
        Assert.True(await sub.IsClosedByServerAsync(), "subscriber closed on channel delete");
        Assert.Equal(0, (await TopicAsync(http, "cc")).GetProperty("channels").GetArrayLength());
        await HttpAssert.ErrorAsync(await http.PostAsync("/channel/delete?topic=cc&channel=ch"), HttpStatusCode.NotFound, "CHANNEL_NOT_FOUND");
    }

    [Fact]
    public async Task Channel_empty()
    {
        await using var b = await TestBroker.StartAsync();
        using var http = b.HttpClient();
        await HttpAssert.OkEmptyAsync(await http.PostAsync("/topic/create?topic=ce"));
        await HttpAssert.OkEmptyAsync(await http.PostAsync("/channel/create?topic=ce&channel=ch"));
        await HttpAssert.OkTextAsync(await http.PostAsync("/mpub?topic=ce", "a\nb"));
        await HttpAssert.EventuallyAsync(async () =>
            (await TopicAsync(http, "ce")).GetProperty("channels")[0].GetProperty("depth").GetInt64() == 2, "channel depth 2");
        await HttpAssert.OkEmptyAsync(await http.PostAsync("/channel/empty?topic=ce&channel=ch"));
        Assert.Equal(0, (await TopicAsync(http, "ce")).GetProperty("channels")[0].GetProperty("depth").GetInt64());
        await HttpAssert.ErrorAsync(await http.PostAsync("/channel/empty?topic=ce&channel=nope"), HttpStatusCode.NotFound, "CHANNEL_NOT_FOUND");
    }

    [Fact]
    public async Task Channel_pause_and_unpause()
    {
        await using var b = await TestBroker.StartAsync();
        using var http = b.HttpClient();
        await HttpAssert.OkEmptyAsync(await http.PostAsync("/topic/create?topic=cp"));
        await HttpAssert.OkEmptyAsync(await http.PostAsync("/channel/create?topic=cp&channel=ch"));
        await HttpAssert.OkEmptyAsync(await http.PostAsync("/channel/pause?topic=cp&channel=ch"));
        Assert.True((await TopicAsync(http, "cp")).GetProperty("channels")[0].GetProperty("paused").GetBoolean());
        await HttpAssert.OkEmptyAsync(await http.PostAsync("/channel/unpause?topic=cp&channel=ch"));
        Assert.False((await TopicAsync(http, "cp")).GetProperty("channels")[0].GetProperty("paused").GetBoolean());
        await HttpAssert.ErrorAsync(await http.PostAsync("/channel/pause?topic=cp&channel=nope"), HttpStatusCode.NotFound, "CHANNEL_NOT_FOUND");
        await HttpAssert.ErrorAsync(await http.PostAsync("/channel/unpause?topic=cp&channel=nope"), HttpStatusCode.NotFound, "CHANNEL_NOT_FOUND");
    }

    [Fact]
    public async Task Pause_survives_a_restart()
    {
        await using var b = await TestBroker.StartAsync();
        using (var http = b.HttpClient())
        {
            await HttpAssert.OkEmptyAsync(await http.PostAsync("/topic/create?topic=pt"));
            await HttpAssert.OkEmptyAsync(await http.PostAsync("/channel/create?topic=pt&channel=pc"));
            await HttpAssert.OkEmptyAsync(await http.PostAsync("/channel/create?topic=pt&channel=other"));
            await HttpAssert.OkEmptyAsync(await http.PostAsync("/topic/pause?topic=pt"));
            await HttpAssert.OkEmptyAsync(await http.PostAsync("/channel/pause?topic=pt&channel=pc"));
        }
        await b.RestartAsync();
        using (var http = b.HttpClient())
        {
            var t = await TopicAsync(http, "pt");
            Assert.True(t.GetProperty("paused").GetBoolean());
            var channels = t.GetProperty("channels");
            Assert.Equal("other", channels[0].GetProperty("channel_name").GetString());
            Assert.False(channels[0].GetProperty("paused").GetBoolean());
            Assert.Equal("pc", channels[1].GetProperty("channel_name").GetString());
            Assert.True(channels[1].GetProperty("paused").GetBoolean());
        }
    }

    private static async Task<JsonElement> TopicAsync(HttpClient http, string topic)
        => (await http.StatsJsonAsync("&topic=" + topic)).GetProperty("topics")[0];
}
