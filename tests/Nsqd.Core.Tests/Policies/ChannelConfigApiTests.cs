using System.Net;
using Nsqd.Core.Tests.Http;

namespace Nsqd.Core.Tests.Policies;

/// <summary>POST/GET /channel/config: every error of docs/channel-policies.md, partial updates, and turning settings off.</summary>
public class ChannelConfigApiTests
{
    private const string Off = """{"max_attempts":0,"dead_letter_topic":"","message_ttl_ms":0,"max_depth":0}""";
    private const string Url = "/channel/config?topic=cfg&channel=c";

    /// <summary>An HTTP client on <paramref name="broker"/>, which now has the channel <c>cfg/c</c>.</summary>
    private static async Task<HttpClient> WithChannelAsync(TestBroker broker)
    {
        var http = broker.HttpClient();
        await http.CreateChannelAsync("cfg", "c");
        return http;
    }

    [Theory]
    [InlineData("/channel/config?channel=c", 400, "MISSING_ARG_TOPIC")]
    [InlineData("/channel/config?topic=cfg", 400, "MISSING_ARG_CHANNEL")]
    [InlineData("/channel/config?topic=a%20b&channel=c", 400, "INVALID_ARG_TOPIC")]
    [InlineData("/channel/config?topic=cfg&channel=", 400, "INVALID_ARG_CHANNEL")]
    [InlineData("/channel/config?topic=nope&channel=c", 404, "TOPIC_NOT_FOUND")]
    [InlineData("/channel/config?topic=cfg&channel=nope", 404, "CHANNEL_NOT_FOUND")]
    public async Task Argument_errors_are_the_same_for_GET_and_POST(string url, int status, string message)
    {
        await using var broker = await TestBroker.StartAsync();
        using var http = await WithChannelAsync(broker);
        await HttpAssert.ErrorAsync(await http.GetAsync(url), (HttpStatusCode)status, message);
        await HttpAssert.ErrorAsync(await http.PostAsync(url, """{"max_attempts":1}"""), (HttpStatusCode)status, message);
    }

    [Theory]
    [InlineData("", "INVALID_BODY")]
    [InlineData("not json", "INVALID_BODY")]
    [InlineData("[]", "INVALID_BODY")]
    [InlineData("3", "INVALID_BODY")]
    [InlineData("""{"max_attempts":1} {}""", "INVALID_BODY")]
    [InlineData("""{"max_attempt":1}""", "INVALID_BODY")]
    [InlineData("""{"max_attempts":"3"}""", "INVALID_BODY")]
    [InlineData("""{"max_attempts":null}""", "INVALID_BODY")]
    [InlineData("""{"dead_letter_topic":5}""", "INVALID_BODY")]
    [InlineData("""{"message_ttl_ms":true}""", "INVALID_BODY")]
    [InlineData("""{"max_depth":[1]}""", "INVALID_BODY")]
    [InlineData("""{"max_attempts":-1}""", "INVALID_MAX_ATTEMPTS")]
    [InlineData("""{"max_attempts":65536}""", "INVALID_MAX_ATTEMPTS")]
    [InlineData("""{"max_attempts":1.5}""", "INVALID_MAX_ATTEMPTS")]
    [InlineData("""{"dead_letter_topic":"no spaces"}""", "INVALID_DEAD_LETTER_TOPIC")]
    [InlineData("""{"dead_letter_topic":"cfg"}""", "INVALID_DEAD_LETTER_TOPIC")]
    [InlineData("""{"message_ttl_ms":-1}""", "INVALID_MESSAGE_TTL_MS")]
    [InlineData("""{"message_ttl_ms":1e30}""", "INVALID_MESSAGE_TTL_MS")]
    [InlineData("""{"max_depth":-5}""", "INVALID_MAX_DEPTH")]
    public async Task A_refused_body_answers_400_and_changes_nothing(string body, string message)
    {
        await using var broker = await TestBroker.StartAsync();
        using var http = await WithChannelAsync(broker);
        await http.SetConfigAsync("cfg", "c", """{"max_attempts":7}""");
        await HttpAssert.ErrorAsync(await http.PostAsync(Url, body), HttpStatusCode.BadRequest, message);
        Assert.Equal("""{"max_attempts":7,"dead_letter_topic":"","message_ttl_ms":0,"max_depth":0}""", await http.GetConfigTextAsync("cfg", "c"));
    }

    [Fact]
    public async Task GET_answers_all_settings_off_by_default_and_after_a_POST_what_it_set()
    {
        await using var broker = await TestBroker.StartAsync();
        using var http = await WithChannelAsync(broker);
        var r = await http.GetAsync(Url);
        Assert.Equal(Off, (await HttpAssert.JsonAsync(r)).GetRawText());

        const string all = """{"max_attempts":3,"dead_letter_topic":"orders.dead","message_ttl_ms":60000,"max_depth":1000}""";
        Assert.Equal(all, (await http.SetConfigAsync("cfg", "c", all)).GetRawText());
        Assert.Equal(all, await http.GetConfigTextAsync("cfg", "c"));
        await HttpAssert.ErrorAsync(await http.PutAsync(Url, all), HttpStatusCode.MethodNotAllowed, "METHOD_NOT_ALLOWED");
    }

    [Fact]
    public async Task A_POST_changes_only_the_settings_it_names()
    {
        await using var broker = await TestBroker.StartAsync();
        using var http = await WithChannelAsync(broker);
        await http.SetConfigAsync("cfg", "c", """{"max_attempts":3,"dead_letter_topic":"dl"}""");
        var answer = await http.SetConfigAsync("cfg", "c", """{"max_depth":50}""");
        Assert.Equal("""{"max_attempts":3,"dead_letter_topic":"dl","message_ttl_ms":0,"max_depth":50}""", answer.GetRawText());
        await http.SetConfigAsync("cfg", "c", "{}");
        Assert.Equal(answer.GetRawText(), await http.GetConfigTextAsync("cfg", "c"));
    }

    [Fact]
    public async Task Zero_and_empty_turn_settings_off_and_their_stats_keys_go()
    {
        await using var broker = await TestBroker.StartAsync();
        using var http = await WithChannelAsync(broker);
        await http.SetConfigAsync("cfg", "c", """{"max_attempts":3,"dead_letter_topic":"dl","message_ttl_ms":1000,"max_depth":10}""");
        var on = await http.ChannelStatsAsync("cfg", "c");
        Assert.Equal((0L, 0L, 0L), (on.GetProperty("dead_letter_count").GetInt64(), on.GetProperty("expired_count").GetInt64(),
            on.GetProperty("overflow_count").GetInt64()));

        await http.SetConfigAsync("cfg", "c", """{"max_attempts":0,"message_ttl_ms":0}""");
        var some = await http.ChannelStatsAsync("cfg", "c");
        Assert.False(some.TryGetProperty("dead_letter_count", out _));
        Assert.False(some.TryGetProperty("expired_count", out _));
        Assert.True(some.TryGetProperty("overflow_count", out _));

        Assert.Equal(Off, (await http.SetConfigAsync("cfg", "c", """{"max_depth":0,"dead_letter_topic":""}""")).GetRawText());
        Assert.Equal(StatsTests.ChannelKeys, HttpAssert.Keys(await http.ChannelStatsAsync("cfg", "c")));
        Assert.True(broker.Channel("cfg", "c").Policy.IsOff);
    }

    [Fact]
    public async Task Without_settings_the_stats_keys_are_exactly_nsqds()
    {
        await using var broker = await TestBroker.StartAsync();
        using var http = await WithChannelAsync(broker);
        await using var pub = await broker.ConnectAsync();
        await pub.PublishAsync("cfg", "x");
        Assert.Equal(StatsTests.ChannelKeys, HttpAssert.Keys(await http.ChannelStatsAsync("cfg", "c")));
        Assert.DoesNotContain("config", await File.ReadAllTextAsync(Path.Combine(broker.DataPath, "nsqd.dat")));
    }
}
