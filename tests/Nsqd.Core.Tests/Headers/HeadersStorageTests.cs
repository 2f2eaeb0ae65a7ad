using Nsqd.Core.Tests.Infrastructure;
using static Nsqd.Core.Tests.Headers.HeaderWire;
using static Nsqd.Core.Tests.Infrastructure.ProtocolAssertions;

namespace Nsqd.Core.Tests.Headers;

/// <summary>Headers kept through disk overflow, deferral, requeue and restarts; the segment formats they need.</summary>
public class HeadersStorageTests
{
    private static readonly (string, string)[] H = [("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"), ("k", "v")];

    private static async Task PublishAsync(TestBroker broker, string topic, params (string Body, bool WithHeaders)[] messages)
    {
        await using var pub = await broker.ConnectAsync();
        await NegotiateAsync(pub);
        foreach (var (body, with) in messages)
        {
            await pub.SendAsync(Cmd("PUB " + topic, Payload(with ? Block(H) : Block(), body)));
            Assert.Equal("OK", await pub.ReadResponseTextAsync());
        }
    }

    /// <summary>Whether any of the topic's or channel's segments starts with the checked record magic.</summary>
    private static List<bool> SegmentsChecked(string dataPath, string queue) =>
        [.. Directory.GetFiles(dataPath, queue + ".diskqueue.*.dat").Where(f => !f.EndsWith(".meta.dat", StringComparison.Ordinal)).Order()
            .Select(f => File.ReadAllBytes(f) is { Length: >= 2 } b && b[0] == 0xC5 && b[1] == 0x51)];

    [Fact]
    public async Task Overflow_to_disk_keeps_headers_and_switches_to_a_checked_segment_only_when_needed()
    {
        await using var broker = await TestBroker.StartAsync(o => o.MemQueueSize = 0);
        await using (var c = await broker.ConnectAsync())
            await c.SubscribeAsync("ov", "c");
        await PublishAsync(broker, "ov", ("plain1", false), ("plain2", false));
        Assert.Equal([false], SegmentsChecked(broker.DataPath, "ov:c"));

        await PublishAsync(broker, "ov", ("with", true), ("plain3", false));
        Assert.Equal([false, true], SegmentsChecked(broker.DataPath, "ov:c"));

        await using var sub = await broker.ConnectAsync();
        await SubscribeNegotiatedAsync(sub, "ov", "c");
        var got = new List<(string, List<(string, string)>)>();
        for (var i = 0; i < 4; i++)
        {
            var m = await ReadAsync(sub);
            got.Add((m.Body, m.Headers));
        }
        Assert.Equal(["plain1", "plain2", "with", "plain3"], got.Select(g => g.Item1));
        Assert.Equal(H, got[2].Item2);
        Assert.Empty(got[3].Item2);
    }

    [Fact]
    public async Task Memory_mode_without_headers_writes_only_go_diskqueue_records()
    {
        await using var broker = await TestBroker.StartAsync(o => o.MemQueueSize = 0);
        await using (var c = await broker.ConnectAsync())
            await c.SubscribeAsync("noh", "c");
        await PublishAsync(broker, "noh", ("a", false), ("b", false));
        await broker.RestartAsync();
        Assert.All(SegmentsChecked(broker.DataPath, "noh:c"), Assert.False);
        Assert.NotEmpty(SegmentsChecked(broker.DataPath, "noh:c"));
    }

    [Fact]
    public async Task Dpub_and_req_with_a_delay_and_req_keep_headers()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var sub = await broker.ConnectAsync();
        await SubscribeNegotiatedAsync(sub, "def", "c", rdy: 1);
        await using var pub = await broker.ConnectAsync();
        await NegotiateAsync(pub);
        await pub.SendAsync(Cmd("DPUB def 20", Payload(Block(H), "deferred")));
        Assert.Equal("OK", await pub.ReadResponseTextAsync());

        var m = await ReadAsync(sub);
        Assert.Equal("deferred", m.Body);
        Assert.Equal(H, m.Headers);
        await sub.ReqAsync(m.Id, 0);
        var again = await ReadAsync(sub);
        Assert.Equal(2, again.Attempts);
        Assert.Equal(H, again.Headers);
        await sub.ReqAsync(again.Id, 30);
        var later = await ReadAsync(sub);
        Assert.Equal(3, later.Attempts);
        Assert.Equal("deferred", later.Body);
        Assert.Equal(H, later.Headers);
    }

    [Fact]
    public async Task Headers_survive_a_clean_restart_from_memory_topic_and_deferred_journal()
    {
        await using var broker = await TestBroker.StartAsync();
        await using (var c = await broker.ConnectAsync())
            await c.SubscribeAsync("rs", "c");
        await PublishAsync(broker, "rs", ("mem", true));
        await PublishAsync(broker, "rs-nochan", ("topic", true));
        await using (var d = await broker.ConnectAsync())
        {
            await NegotiateAsync(d);
            await d.SendAsync(Cmd("DPUB rs 1500", Payload(Block(H), "later")));
            Assert.Equal("OK", await d.ReadResponseTextAsync());
        }
        await broker.RestartAsync();

        await using var sub = await broker.ConnectAsync();
        await SubscribeNegotiatedAsync(sub, "rs", "c");
        var first = await ReadAsync(sub);
        var second = await ReadAsync(sub, TimeSpan.FromSeconds(10));
        Assert.Equal("mem", first.Body);
        Assert.Equal(H, first.Headers);
        Assert.Equal("later", second.Body);
        Assert.Equal(H, second.Headers);
        await using var sub2 = await broker.ConnectAsync();
        await SubscribeNegotiatedAsync(sub2, "rs-nochan", "c");
        var third = await ReadAsync(sub2);
        Assert.Equal("topic", third.Body);
        Assert.Equal(H, third.Headers);
    }

    [Fact]
    public async Task Headers_survive_kill_9_in_durable_mode()
    {
        using var data = new TempDirectory("nsqd-headers-crash");
        await using (var nsqd = await NsqdProcess.StartAsync(data.Path, "--durability=durable"))
        {
            await using var c = await RawClient.ConnectAsync(nsqd.Tcp);
            await NegotiateAsync(c);
            await c.SendAsync(Concat(Cmd("PUB crash", Payload(Block(H), "one")), Cmd("PUB crash", Payload(Block(), "two"))));
            Assert.Equal("OK", await c.ReadResponseTextAsync());
            Assert.Equal("OK", await c.ReadResponseTextAsync());
            await nsqd.KillAsync();
        }
        await using (var nsqd = await NsqdProcess.StartAsync(data.Path, "--durability=durable"))
        {
            await using var sub = await RawClient.ConnectAsync(nsqd.Tcp);
            await SubscribeNegotiatedAsync(sub, "crash", "c");
            var one = await ReadAsync(sub);
            var two = await ReadAsync(sub);
            Assert.Equal("one", one.Body);
            Assert.Equal(H, one.Headers);
            Assert.Equal("two", two.Body);
            Assert.Empty(two.Headers);
        }
    }
}
