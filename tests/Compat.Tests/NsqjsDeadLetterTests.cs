namespace Compat.Tests;

/// <summary>
/// docs/channel-policies.md with a client that knows nothing of it: the real nsqjs Reader REQs a poison message every
/// time; the broker delivers it max_attempts times, then moves it to the dead-letter topic.
/// </summary>
public sealed class NsqjsDeadLetterTests
{
    [Fact]
    public async Task A_message_nsqjs_requeues_every_time_is_delivered_max_attempts_times_then_dead_lettered()
    {
        await using var broker = await TestBroker.StartAsync();
        const string topic = "js_poison";
        using var http = broker.HttpClient();
        // compat.js subscribes on the channel "nsqjs".
        Assert.True((await http.PostAsync($"/topic/create?topic={topic}", null)).IsSuccessStatusCode);
        Assert.True((await http.PostAsync($"/channel/create?topic={topic}&channel=nsqjs", null)).IsSuccessStatusCode);
        var set = await http.PostAsync($"/channel/config?topic={topic}&channel=nsqjs",
            new StringContent("""{"max_attempts":3,"dead_letter_topic":"js_poison.dead"}"""));
        Assert.True(set.IsSuccessStatusCode, await set.Content.ReadAsStringAsync());
        await using var dead = await broker.ConnectAsync();
        dead.AnswerHeartbeats = true;
        var deadLetters = dead.ConsumeAsync("js_poison.dead", "d", 1, TimeSpan.FromSeconds(60));
        await using (var pub = await broker.ConnectAsync()) await pub.PublishAsync(topic, "poison");

        var o = await NsqjsTests.RunScriptAsync(broker.Tcp.Port, "plain", 3, "requeue", topic);
        Assert.Equal(["poison", "poison", "poison"], o.Received); // and no fourth delivery in the time it waited
        Assert.Equal([1, 2, 3], o.Attempts);

        var got = Assert.Single(await deadLetters);
        Assert.Equal(("poison", (ushort)1), (got.Body, got.Attempts));
        using var stats = await http.GetAsync($"/stats?format=json&topic={topic}&channel=nsqjs");
        Assert.Contains("\"dead_letter_count\":1", await stats.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
