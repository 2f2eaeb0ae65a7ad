using System.Text;
using Nsq.Protocol.V2;
using Nsqd.Core.Tests.Http;
using Nsqd.Core.Tests.Infrastructure;
using static Nsqd.Core.Tests.Infrastructure.ProtocolAssertions;

namespace Nsqd.Core.Tests.Policies;

/// <summary>
/// message_ttl_ms: a message older than the TTL when it would be delivered is not; it goes to the dead-letter topic.
/// Deferred publishes age the messages: they become ready only after the TTL has passed, no sleeping in the test.
/// </summary>
public class TtlTests
{
    private const int TtlMs = 300;
    private const int DeferMs = 600;

    private static async Task DpubAsync(RawClient pub, string topic, string body)
    {
        await pub.SendAsync(o => CommandWriter.Dpub(o, topic, DeferMs, Encoding.UTF8.GetBytes(body)));
        Assert.Equal("OK", await pub.ReadResponseTextAsync());
    }

    [Fact]
    public async Task Messages_older_than_the_ttl_are_never_delivered_and_go_to_the_dead_letter_topic()
    {
        await using var broker = await TestBroker.StartAsync();
        using var http = broker.HttpClient();
        await http.CreateChannelAsync("events", "c");
        await http.SetConfigAsync("events", "c", $$"""{"message_ttl_ms":{{TtlMs}},"dead_letter_topic":"events.expired"}""");
        await using var dead = await broker.ConnectAsync();
        await dead.SubscribeAsync("events.expired", "d", rdy: 10);
        await using var sub = await broker.ConnectAsync();
        await sub.SubscribeAsync("events", "c", rdy: 10);

        await using var pub = await broker.ConnectAsync();
        await DpubAsync(pub, "events", "old-1");
        await DpubAsync(pub, "events", "old-2");
        await pub.PublishAsync("events", "fresh");

        var fresh = await sub.ReadMessageAsync(TimeSpan.FromSeconds(5));
        Assert.Equal("fresh", fresh.Text());
        await sub.FinAsync(fresh.Id);

        // Due after 600 ms, older than 300 ms by then: straight to the dead-letter topic.
        var expired = await dead.ReadMessagesAsync(2, TimeSpan.FromSeconds(5));
        Assert.Equal(["old-1", "old-2"], expired.Select(m => m.Text()).Order());
        await sub.AssertNothingWithinAsync(Short);
        await dead.AssertNothingWithinAsync(TimeSpan.Zero);

        var stats = await http.ChannelStatsAsync("events", "c");
        Assert.Equal(2, stats.GetProperty("expired_count").GetInt64());
        Assert.Equal(0, stats.GetProperty("depth").GetInt64());
        Assert.False(stats.TryGetProperty("dead_letter_count", out _)); // max_attempts is off
        Assert.False(stats.TryGetProperty("overflow_count", out _));
    }

    [Fact]
    public async Task Without_a_dead_letter_topic_expired_messages_are_dropped_and_counted()
    {
        await using var broker = await TestBroker.StartAsync();
        using var http = broker.HttpClient();
        await http.CreateChannelAsync("ttl_drop", "c");
        await http.SetConfigAsync("ttl_drop", "c", $$"""{"message_ttl_ms":{{TtlMs}}}""");
        await using var sub = await broker.ConnectAsync();
        await sub.SubscribeAsync("ttl_drop", "c", rdy: 10);
        await using var pub = await broker.ConnectAsync();
        for (var i = 0; i < 3; i++) await DpubAsync(pub, "ttl_drop", $"old-{i}");

        await HttpAssert.EventuallyAsync(async () => (await http.ChannelStatsAsync("ttl_drop", "c")).GetProperty("expired_count").GetInt64() == 3,
            "expired_count 3");
        await sub.AssertNothingWithinAsync(Short);
        var snapshot = broker.Channel("ttl_drop", "c").Snapshot();
        Assert.Equal((0, 0, 0), (snapshot.Depth, snapshot.InFlight, snapshot.Deferred));
    }

    [Fact]
    public async Task Messages_within_the_ttl_are_delivered_as_usual()
    {
        await using var broker = await TestBroker.StartAsync();
        using var http = broker.HttpClient();
        await http.CreateChannelAsync("ttl_ok", "c");
        await http.SetConfigAsync("ttl_ok", "c", """{"message_ttl_ms":60000}""");
        await using var pub = await broker.ConnectAsync();
        await pub.PublishManyAsync("ttl_ok", Enumerable.Range(0, 20).Select(i => $"m{i}"));
        await using var sub = await broker.ConnectAsync();
        await sub.SubscribeAsync("ttl_ok", "c", rdy: 20);
        var got = await sub.ReadMessagesAsync(20, TimeSpan.FromSeconds(5));
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"m{i}"), got.Select(m => m.Text()));
        Assert.Equal(0, (await http.ChannelStatsAsync("ttl_ok", "c")).GetProperty("expired_count").GetInt64());
    }
}
