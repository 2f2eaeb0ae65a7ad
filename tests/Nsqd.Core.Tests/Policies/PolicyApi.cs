using System.Net;
using System.Text.Json;
using Nsqd.Core.Tests.Http;
using Nsqd.Core.Topics;

namespace Nsqd.Core.Tests.Policies;

/// <summary>The HTTP calls the policy tests share: create a channel, set or read its settings, peek, read its /stats entry.</summary>
internal static class PolicyApi
{
    public static async Task CreateChannelAsync(this HttpClient http, string topic, string channel)
    {
        await HttpAssert.OkEmptyAsync(await http.PostAsync($"/topic/create?topic={topic}"));
        await HttpAssert.OkEmptyAsync(await http.PostAsync($"/channel/create?topic={topic}&channel={channel}"));
    }

    /// <summary>POST /channel/config, asserting 200; answers the settings the broker now has.</summary>
    public static async Task<JsonElement> SetConfigAsync(this HttpClient http, string topic, string channel, string json)
        => await HttpAssert.JsonAsync(await http.PostAsync($"/channel/config?topic={topic}&channel={channel}", json));

    public static async Task<string> GetConfigTextAsync(this HttpClient http, string topic, string channel)
    {
        var r = await http.GetAsync($"/channel/config?topic={topic}&channel={channel}");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        return await r.Content.ReadAsStringAsync();
    }

    public static async Task<JsonElement[]> PeekAsync(this HttpClient http, string topic, string channel, int n)
    {
        var json = await HttpAssert.JsonAsync(await http.GetAsync($"/channel/peek?topic={topic}&channel={channel}&n={n}"));
        return [.. json.GetProperty("messages").EnumerateArray()];
    }

    /// <summary>The channel's object in <c>/stats?format=json</c>.</summary>
    public static async Task<JsonElement> ChannelStatsAsync(this HttpClient http, string topic, string channel)
    {
        var stats = await http.StatsJsonAsync($"&topic={topic}&channel={channel}");
        return Assert.Single(Assert.Single(stats.GetProperty("topics").EnumerateArray()).GetProperty("channels").EnumerateArray());
    }

    public static string Body(this JsonElement peeked) => System.Text.Encoding.UTF8.GetString(peeked.GetProperty("body").GetBytesFromBase64());

    /// <summary>The engine's view of a channel (depth, in flight) for checks between protocol steps.</summary>
    public static Channel Channel(this TestBroker broker, string topic, string channel)
        => broker.Server.Broker.FindTopic(topic)!.FindChannel(channel)!;
}
