using Nsqd.Core.Tests.Infrastructure;

namespace Nsqd.Core.Tests.Policies;

/// <summary>max_depth: the ready queue never holds more than max_depth; the oldest go (to the dead-letter topic if set).</summary>
public class MaxDepthTests
{
    [Fact]
    public async Task Publishing_100_with_max_depth_10_keeps_the_10_newest_and_counts_90_overflows()
    {
        await using var broker = await TestBroker.StartAsync();
        using var http = broker.HttpClient();
        await http.CreateChannelAsync("flood", "c");
        await http.SetConfigAsync("flood", "c", """{"max_depth":10}""");
        var channel = broker.Channel("flood", "c");
        await using var pub = await broker.ConnectAsync();
        // Half one by one (depth checked after each), half in one MPUB.
        for (var i = 0; i < 50; i++)
        {
            await pub.PublishAsync("flood", $"m{i}");
            Assert.True(channel.Snapshot().Depth <= 10, $"depth {channel.Snapshot().Depth} after m{i}");
        }
        await pub.PublishManyAsync("flood", Enumerable.Range(50, 50).Select(i => $"m{i}"));

        var stats = await http.ChannelStatsAsync("flood", "c");
        Assert.Equal(10, stats.GetProperty("depth").GetInt64());
        Assert.Equal(90, stats.GetProperty("overflow_count").GetInt64());
        Assert.Equal(100, stats.GetProperty("message_count").GetInt64());

        await using var sub = await broker.ConnectAsync();
        await sub.SubscribeAsync("flood", "c", rdy: 100);
        var got = await sub.ReadMessagesAsync(10, TimeSpan.FromSeconds(5));
        Assert.Equal(Enumerable.Range(90, 10).Select(i => $"m{i}"), got.Select(m => m.Text()));
        await sub.AssertNothingWithinAsync(ProtocolAssertions.Short);
    }

    /// <summary>Durable mode keeps every message on disk: the hand-off to the dead-letter topic goes through the group commit.</summary>
    [Theory]
    [InlineData("memory")]
    [InlineData("durable")]
    public async Task Overflowing_messages_go_to_the_dead_letter_topic_oldest_first(string durability)
    {
        await using var broker = await TestBroker.StartAsync(o => o.Durability = durability);
        using var http = broker.HttpClient();
        await http.CreateChannelAsync("flood", "c");
        await http.CreateChannelAsync("flood.dead", "d");
        await http.SetConfigAsync("flood", "c", """{"max_depth":3,"dead_letter_topic":"flood.dead"}""");
        await using var pub = await broker.ConnectAsync();
        for (var i = 0; i < 20; i++) await pub.PublishAsync("flood", $"m{i}");

        Assert.Equal(3, broker.Channel("flood", "c").Snapshot().Depth);
        var stats = await http.ChannelStatsAsync("flood", "c");
        Assert.Equal(17, stats.GetProperty("overflow_count").GetInt64());
        Assert.Equal(17, broker.Channel("flood.dead", "d").Snapshot().Depth);
        await using var dead = await broker.ConnectAsync();
        await dead.SubscribeAsync("flood.dead", "d", rdy: 100);
        var got = await dead.ReadMessagesAsync(17, TimeSpan.FromSeconds(5));
        Assert.Equal(Enumerable.Range(0, 17).Select(i => $"m{i}"), got.Select(m => m.Text()));
    }

    /// <summary>Two full channels dead-lettering into each other's topics: the hand-offs stop (the message is dropped).</summary>
    [Fact]
    public async Task Dead_letter_topics_that_feed_each_other_do_not_loop_forever()
    {
        await using var broker = await TestBroker.StartAsync();
        using var http = broker.HttpClient();
        await http.CreateChannelAsync("ping", "c");
        await http.CreateChannelAsync("pong", "c");
        await http.SetConfigAsync("ping", "c", """{"max_depth":1,"dead_letter_topic":"pong"}""");
        await http.SetConfigAsync("pong", "c", """{"max_depth":1,"dead_letter_topic":"ping"}""");
        await using var pub = await broker.ConnectAsync();
        for (var i = 0; i < 5; i++) await pub.PublishAsync("ping", $"m{i}");

        Assert.Equal((1L, 1L), (broker.Channel("ping", "c").Snapshot().Depth, broker.Channel("pong", "c").Snapshot().Depth));
        Assert.True((await http.ChannelStatsAsync("ping", "c")).GetProperty("overflow_count").GetInt64() >= 4);
    }

    [Fact]
    public async Task Lowering_max_depth_applies_at_once()
    {
        await using var broker = await TestBroker.StartAsync();
        using var http = broker.HttpClient();
        await http.CreateChannelAsync("lower", "c");
        await using var pub = await broker.ConnectAsync();
        await pub.PublishManyAsync("lower", Enumerable.Range(0, 30).Select(i => $"m{i}"));
        await http.SetConfigAsync("lower", "c", """{"max_depth":5}""");
        var stats = await http.ChannelStatsAsync("lower", "c");
        Assert.Equal((5L, 25L), (stats.GetProperty("depth").GetInt64(), stats.GetProperty("overflow_count").GetInt64()));
    }
}
