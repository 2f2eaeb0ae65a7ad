using System.Net;
using static Nsq.TestUtilities.Client.ClientTestHelpers;

namespace Nsq.Client.Tests;

/// <summary><see cref="NsqdAdminClient"/> against a real in-process nsqd: channel policies and peek (docs/channel-policies.md).</summary>
public sealed class NsqdAdminClientTests
{
    [Fact]
    public async Task Settings_start_off_and_an_update_changes_only_what_it_names()
    {
        await using var b = await TestBroker.StartAsync();
        var topic = Topic();
        await CreateChannelAsync(b, topic);
        using var admin = new NsqdAdminClient(b.HttpUri.ToString());

        Assert.Equal(new NsqChannelConfig(), await admin.GetChannelConfigAsync(topic, "ch"));

        var set = await admin.SetChannelConfigAsync(topic, "ch", new NsqChannelConfigUpdate { MaxAttempts = 3, DeadLetterTopic = topic + ".dead" });
        var expected = new NsqChannelConfig { MaxAttempts = 3, DeadLetterTopic = topic + ".dead" };
        Assert.Equal(expected, set);

        set = await admin.SetChannelConfigAsync(topic, "ch", new NsqChannelConfigUpdate { MessageTtl = TimeSpan.FromSeconds(90), MaxDepth = 1000 });
        expected = expected with { MessageTtl = TimeSpan.FromSeconds(90), MaxDepth = 1000 };
        Assert.Equal(expected, set);
        Assert.Equal(expected, await admin.GetChannelConfigAsync(topic, "ch"));

        // 0 and "" turn settings off again.
        await admin.SetChannelConfigAsync(topic, "ch", new NsqChannelConfigUpdate { MaxAttempts = 0, DeadLetterTopic = "" });
        Assert.Equal(expected with { MaxAttempts = 0, DeadLetterTopic = "" }, await admin.GetChannelConfigAsync(topic, "ch"));
    }

    [Fact]
    public async Task Peek_shows_the_head_in_order_and_leaves_the_queue_as_it_was()
    {
        await using var b = await TestBroker.StartAsync();
        var topic = Topic();
        await CreateChannelAsync(b, topic);
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        await using (var producer = Producer(b))
        {
            await producer.PublishAsync(topic, Bytes("first"));
            await producer.PublishAsync(topic, new byte[] { 0xff, 0x00, 0xfe });
            await producer.PublishAsync(topic, Bytes("third"));
        }
        using var admin = new NsqdAdminClient($"127.0.0.1:{b.Http.Port}");

        var two = await admin.PeekAsync(topic, "ch", 2);
        var all = await admin.PeekAsync(topic, "ch", 100);

        Assert.Equal(2, two.Count);
        Assert.Equal(3, all.Count);
        Assert.Equal(two.Select(m => m.Id), all.Take(2).Select(m => m.Id));
        Assert.Equal(["first", "\xff\0\xfe", "third"], all.Select(m => string.Concat(m.Body.ToArray().Select(x => (char)x))));
        Assert.All(all, m =>
        {
            Assert.Equal(0, m.Attempts);
            Assert.InRange(m.Timestamp, before, DateTimeOffset.UtcNow.AddSeconds(1));
            Assert.Equal(16, m.Id.Length);
        });
        Assert.Equal(3, (await BrokerStats.ChannelAsync(b, topic))!.Depth);

        // The ids are those a consumer then gets, in the same order.
        await using var consumer = Consumer(topic, brokers: b);
        using var cts = new CancellationTokenSource(TestTimeout);
        var received = new List<string>();
        await foreach (var m in consumer.ConsumeAsync(cts.Token))
        {
            received.Add(m.Id);
            await m.FinishAsync();
            if (received.Count == 3) break;
        }
        Assert.Equal(all.Select(m => m.Id), received);
    }

    [Fact]
    public async Task Errors_carry_nsqds_status_and_message()
    {
        await using var b = await TestBroker.StartAsync();
        var topic = Topic();
        await CreateChannelAsync(b, topic);
        using var admin = new NsqdAdminClient(b.HttpUri.ToString());

        await AssertFailsAsync(HttpStatusCode.NotFound, "CHANNEL_NOT_FOUND", () => admin.GetChannelConfigAsync(topic, "nope"));
        await AssertFailsAsync(HttpStatusCode.NotFound, "CHANNEL_NOT_FOUND", () => admin.PeekAsync(topic, "nope"));
        await AssertFailsAsync(HttpStatusCode.NotFound, "TOPIC_NOT_FOUND", () => admin.GetChannelConfigAsync(Topic(), "ch"));
        await AssertFailsAsync(HttpStatusCode.BadRequest, "INVALID_N", () => admin.PeekAsync(topic, "ch", 0));
        await AssertFailsAsync(HttpStatusCode.BadRequest, "INVALID_N", () => admin.PeekAsync(topic, "ch", 101));
        await AssertFailsAsync(HttpStatusCode.BadRequest, "INVALID_DEAD_LETTER_TOPIC",
            () => admin.SetChannelConfigAsync(topic, "ch", new NsqChannelConfigUpdate { DeadLetterTopic = topic }));
        await AssertFailsAsync(HttpStatusCode.BadRequest, "INVALID_MAX_ATTEMPTS",
            () => admin.SetChannelConfigAsync(topic, "ch", new NsqChannelConfigUpdate { MaxAttempts = 65536 }));
        Assert.Equal(new NsqChannelConfig(), await admin.GetChannelConfigAsync(topic, "ch"));
    }

    private static async Task AssertFailsAsync(HttpStatusCode status, string code, Func<Task> call)
    {
        var ex = await Assert.ThrowsAsync<NsqdHttpException>(call);
        Assert.Equal((status, code), (ex.StatusCode, ex.Code));
    }

    private static async Task CreateChannelAsync(TestBroker b, string topic)
    {
        using var http = b.HttpClient();
        foreach (var path in new[] { $"/topic/create?topic={topic}", $"/channel/create?topic={topic}&channel=ch" })
        {
            using var response = await http.PostAsync(new Uri(path, UriKind.Relative), null);
            Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }
}
