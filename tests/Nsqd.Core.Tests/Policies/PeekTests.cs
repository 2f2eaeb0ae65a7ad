using System.Net;
using System.Text.Json;
using Nsqd.Core.Tests.Http;
using Nsqd.Core.Tests.Infrastructure;
using static Nsqd.Core.Tests.Infrastructure.ProtocolAssertions;

namespace Nsqd.Core.Tests.Policies;

/// <summary>GET /channel/peek: the head of the ready queue in order, and nothing about the channel changes.</summary>
public class PeekTests
{
    private static (long Depth, long Backend, int InFlight, int Deferred, long Requeued) State(TestBroker broker, string topic)
    {
        var s = broker.Channel(topic, "c").Snapshot();
        return (s.Depth, s.BackendDepth, s.InFlight, s.Deferred, s.RequeueCount);
    }

    [Fact]
    public async Task Peek_answers_the_first_n_in_order_and_changes_nothing()
    {
        await using var broker = await TestBroker.StartAsync();
        using var http = broker.HttpClient();
        await http.CreateChannelAsync("pk", "c");
        await using var pub = await broker.ConnectAsync();
        await pub.PublishManyAsync("pk", Enumerable.Range(0, 6).Select(i => $"m{i}"));

        // One message in flight and requeued once: peek shows its attempts, and leaves the in-flight one alone.
        await using var sub = await broker.ConnectAsync();
        await sub.SubscribeAsync("pk", "c", rdy: 1);
        var first = await sub.ReadMessageAsync();
        await sub.ReqAsync(first.Id, 0);
        var second = await sub.ReadMessageAsync();
        Assert.Equal("m1", second.Text()); // m0 went to the back of the queue
        await sub.RdyAsync(0);
        await sub.AssertStillWorksAsync();

        var before = State(broker, "pk");
        var peeked = await http.PeekAsync("pk", "c", 3);
        Assert.Equal(["m2", "m3", "m4"], peeked.Select(p => p.Body()));
        var all = await http.PeekAsync("pk", "c", 100);
        Assert.Equal(["m2", "m3", "m4", "m5", "m0"], all.Select(p => p.Body()));
        Assert.Equal([0, 0, 0, 0, 1], all.Select(p => p.GetProperty("attempts").GetInt32()));
        Assert.Equal(first.Id, all[4].GetProperty("id").GetString());
        Assert.Equal(first.Ts, all[4].GetProperty("timestamp").GetInt64());
        Assert.All(all, p => Assert.Matches("^[0-9a-f]{16}$", p.GetProperty("id").GetString()));
        Assert.Equal(before, State(broker, "pk"));
        Assert.Equal((5L, 1), (before.Depth, before.InFlight));

        // Consuming afterwards sees exactly what peek showed, attempts one higher.
        await sub.FinAsync(second.Id);
        await sub.RdyAsync(10);
        var got = await sub.ReadMessagesAsync(5);
        Assert.Equal(all.Select(p => (p.GetProperty("id").GetString(), p.Body(), p.GetProperty("attempts").GetInt32() + 1)),
            got.Select(m => ((string?)m.Id, m.Text(), (int)m.Attempts)));
        await sub.AssertNothingWithinAsync(Short);
    }

    [Fact]
    public async Task Peek_without_n_answers_one_and_an_empty_channel_none()
    {
        await using var broker = await TestBroker.StartAsync();
        using var http = broker.HttpClient();
        await http.CreateChannelAsync("pk1", "c");
        var empty = await HttpAssert.JsonAsync(await http.GetAsync("/channel/peek?topic=pk1&channel=c"));
        Assert.Equal("""{"messages":[]}""", empty.GetRawText());
        await using var pub = await broker.ConnectAsync();
        await pub.PublishManyAsync("pk1", ["a", "b"]);
        var one = await HttpAssert.JsonAsync(await http.GetAsync("/channel/peek?topic=pk1&channel=c"));
        var m = Assert.Single(one.GetProperty("messages").EnumerateArray());
        Assert.Equal(["id", "timestamp", "attempts", "body"], HttpAssert.Keys(m));
        Assert.Equal("YQ==", m.GetProperty("body").GetString()); // "a", base64
    }

    [Theory]
    [InlineData("0")]
    [InlineData("101")]
    [InlineData("-1")]
    [InlineData("x")]
    [InlineData("")]
    public async Task An_n_that_is_not_1_to_100_is_400_INVALID_N(string n)
    {
        await using var broker = await TestBroker.StartAsync();
        using var http = broker.HttpClient();
        await http.CreateChannelAsync("pkn", "c");
        await HttpAssert.ErrorAsync(await http.GetAsync($"/channel/peek?topic=pkn&channel=c&n={n}"), HttpStatusCode.BadRequest, "INVALID_N");
    }

    /// <summary>Memory first, then the disk queue, as delivery reads them; durable mode has everything on disk.</summary>
    [Theory]
    [InlineData("memory")]
    [InlineData("durable")]
    public async Task Peek_reads_memory_then_disk(string durability)
    {
        await using var broker = await TestBroker.StartAsync(o => { o.MemQueueSize = 3; o.Durability = durability; });
        using var http = broker.HttpClient();
        await http.CreateChannelAsync("pkd", "c");
        await using var pub = await broker.ConnectAsync();
        for (var i = 0; i < 8; i++) await pub.PublishAsync("pkd", $"m{i}");
        var before = State(broker, "pkd");
        Assert.Equal(durability == "memory" ? 5 : 8, before.Backend);

        var peeked = await http.PeekAsync("pkd", "c", 100);
        Assert.Equal(Enumerable.Range(0, 8).Select(i => $"m{i}"), peeked.Select(p => p.Body()));
        Assert.Equal(before, State(broker, "pkd"));

        await using var sub = await broker.ConnectAsync();
        await sub.SubscribeAsync("pkd", "c", rdy: 8);
        var got = await sub.ReadMessagesAsync(8);
        Assert.Equal(peeked.Select(p => p.GetProperty("id").GetString()), got.Select(m => (string?)m.Id));
    }

    [Fact]
    public async Task Peek_has_the_errors_of_channel_config()
    {
        await using var broker = await TestBroker.StartAsync();
        using var http = broker.HttpClient();
        await http.CreateChannelAsync("pke", "c");
        await HttpAssert.ErrorAsync(await http.GetAsync("/channel/peek?channel=c"), HttpStatusCode.BadRequest, "MISSING_ARG_TOPIC");
        await HttpAssert.ErrorAsync(await http.GetAsync("/channel/peek?topic=pke"), HttpStatusCode.BadRequest, "MISSING_ARG_CHANNEL");
        await HttpAssert.ErrorAsync(await http.GetAsync("/channel/peek?topic=no*&channel=c"), HttpStatusCode.BadRequest, "INVALID_ARG_TOPIC");
        await HttpAssert.ErrorAsync(await http.GetAsync("/channel/peek?topic=pke&channel=no*"), HttpStatusCode.BadRequest, "INVALID_ARG_CHANNEL");
        await HttpAssert.ErrorAsync(await http.GetAsync("/channel/peek?topic=none&channel=c"), HttpStatusCode.NotFound, "TOPIC_NOT_FOUND");
        await HttpAssert.ErrorAsync(await http.GetAsync("/channel/peek?topic=pke&channel=none"), HttpStatusCode.NotFound, "CHANNEL_NOT_FOUND");
        await HttpAssert.ErrorAsync(await http.PostAsync("/channel/peek?topic=pke&channel=c"), HttpStatusCode.MethodNotAllowed, "METHOD_NOT_ALLOWED");
    }
}
