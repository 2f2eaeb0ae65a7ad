using Nsqd.Core.Tests.Http;
using Nsqd.Core.Tests.Infrastructure;
using static Nsqd.Core.Tests.Infrastructure.ProtocolAssertions;

namespace Nsqd.Core.Tests.Policies;

/// <summary>max_attempts: a poison message is delivered that many times, then lands once on the dead-letter topic.</summary>
public class MaxAttemptsTests
{
    private const string Config = """{"max_attempts":3,"dead_letter_topic":"orders.dead"}""";

    /// <summary>Broker with <c>orders/c</c> configured, a subscriber on <c>orders.dead/d</c>, and "poison" published.</summary>
    private static async Task<(TestBroker Broker, HttpClient Http, RawClient Dead)> StartAsync(Action<NsqdOptions>? configure = null)
    {
        var broker = await TestBroker.StartAsync(configure);
        var http = broker.HttpClient();
        await http.CreateChannelAsync("orders", "c");
        await http.SetConfigAsync("orders", "c", Config);
        var dead = await broker.ConnectAsync();
        await dead.SubscribeAsync("orders.dead", "d", rdy: 10);
        await using var pub = await broker.ConnectAsync();
        await pub.PublishAsync("orders", "poison");
        return (broker, http, dead);
    }

    private static async Task AssertDeadLetteredOnceAsync(TestBroker broker, HttpClient http, RawClient dead)
    {
        var m = await dead.ReadMessageAsync(TimeSpan.FromSeconds(5));
        Assert.Equal("poison", m.Text());
        Assert.Equal(1, m.Attempts); // a new publish on the dead-letter topic
        await dead.FinAsync(m.Id);
        await dead.AssertNothingWithinAsync(Short);
        var stats = await http.ChannelStatsAsync("orders", "c");
        Assert.Equal(1, stats.GetProperty("dead_letter_count").GetInt64());
        Assert.Equal(0, stats.GetProperty("depth").GetInt64());
        Assert.Equal(0, broker.Channel("orders", "c").Snapshot().Deferred);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(50)]
    public async Task A_message_requeued_every_time_is_delivered_max_attempts_times_then_dead_lettered(long reqDelayMs)
    {
        var (broker, http, dead) = await StartAsync();
        await using var _ = broker;
        using var __ = http;
        await using var ___ = dead;
        await using var sub = await broker.ConnectAsync();
        await sub.SubscribeAsync("orders", "c", rdy: 1);
        for (ushort attempt = 1; attempt <= 3; attempt++)
        {
            var m = await sub.ReadMessageAsync(TimeSpan.FromSeconds(5));
            Assert.Equal(("poison", attempt), (m.Text(), m.Attempts));
            await sub.ReqAsync(m.Id, reqDelayMs);
        }
        await AssertDeadLetteredOnceAsync(broker, http, dead);
        await sub.AssertNothingWithinAsync(Short);
        Assert.Equal(3, broker.Channel("orders", "c").Snapshot().RequeueCount);
    }

    [Fact]
    public async Task A_message_that_times_out_every_time_is_dead_lettered_after_max_attempts()
    {
        var (broker, http, dead) = await StartAsync(o => o.MsgTimeout = TimeSpan.FromMilliseconds(150));
        await using var _ = broker;
        using var __ = http;
        await using var ___ = dead;
        await using var sub = await broker.ConnectAsync();
        sub.AnswerHeartbeats = true;
        await sub.SubscribeAsync("orders", "c", rdy: 1);
        for (ushort attempt = 1; attempt <= 3; attempt++)
        {
            var m = await sub.ReadMessageAsync(TimeSpan.FromSeconds(5));
            Assert.Equal(("poison", attempt), (m.Text(), m.Attempts)); // never FINed: the timeout requeues it
        }
        await AssertDeadLetteredOnceAsync(broker, http, dead);
        await sub.AssertNothingWithinAsync(Short);
        Assert.Equal(3, broker.Channel("orders", "c").Snapshot().TimeoutCount);
    }

    [Fact]
    public async Task A_message_in_flight_to_a_client_that_goes_away_counts_as_an_attempt()
    {
        var (broker, http, dead) = await StartAsync();
        await using var _ = broker;
        using var __ = http;
        await using var ___ = dead;
        for (ushort attempt = 1; attempt <= 3; attempt++)
        {
            await using var sub = await broker.ConnectAsync();
            await sub.SubscribeAsync("orders", "c", rdy: 1);
            var m = await sub.ReadMessageAsync(TimeSpan.FromSeconds(5));
            Assert.Equal(attempt, m.Attempts);
        }
        await AssertDeadLetteredOnceAsync(broker, http, dead);
    }

    [Fact]
    public async Task Without_a_dead_letter_topic_the_message_is_dropped_and_counted()
    {
        await using var broker = await TestBroker.StartAsync();
        using var http = broker.HttpClient();
        await http.CreateChannelAsync("drop", "c");
        await http.SetConfigAsync("drop", "c", """{"max_attempts":1}""");
        await using var sub = await broker.ConnectAsync();
        await sub.SubscribeAsync("drop", "c", rdy: 1);
        await using (var pub = await broker.ConnectAsync()) await pub.PublishAsync("drop", "once");
        var m = await sub.ReadMessageAsync(TimeSpan.FromSeconds(5));
        await sub.ReqAsync(m.Id, 0);
        await HttpAssert.EventuallyAsync(async () => (await http.ChannelStatsAsync("drop", "c")).GetProperty("dead_letter_count").GetInt64() == 1, "dead_letter_count 1");
        await sub.AssertNothingWithinAsync(Short);
        Assert.Equal(0, broker.Channel("drop", "c").Snapshot().Depth);
    }
}
