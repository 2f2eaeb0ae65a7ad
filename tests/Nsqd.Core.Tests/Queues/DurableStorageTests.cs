using System.Net.Http;
using Nsq.Protocol.V2;
using Nsqd.Core.Tests.Http;
using Nsqd.Core.Tests.Infrastructure;
using static Nsqd.Core.Tests.Infrastructure.ProtocolAssertions;

namespace Nsqd.Core.Tests.Queues;

/// <summary>
/// Storage behaviour inside one process: --durability=durable end to end, in-flight and spilled deferred messages across
/// a clean restart, --max-defer-timeout, and corrupt segments reported in /stats.
/// </summary>
public class DurableStorageTests
{
    private static void Durable(NsqdOptions o) => o.Durability = "durable";

    [Fact]
    public async Task Durable_mode_acknowledges_publishes_that_are_on_disk_and_delivers_them()
    {
        await using var broker = await TestBroker.StartAsync(Durable);
        await using var c = await broker.ConnectAsync();
        await c.SubscribeAsync("d", "c");
        await c.PublishManyAsync("d", Enumerable.Range(0, 50).Select(i => $"m{i}"));
        await c.PublishAsync("d", "one");
        using (var http = broker.HttpClient())
        {
            var response = await http.PostAsync("/pub?topic=d", new StringContent("http"));
            Assert.Equal(200, (int)response.StatusCode);
        }
        var channel = broker.Server.Broker.FindTopic("d")!.FindChannel("c")!;
        // No memory part: everything acknowledged is a disk record.
        Assert.Equal(52, channel.Snapshot().BackendDepth);
        Assert.True(broker.Server.Broker.Commit!.Completed > 0);

        await c.RdyAsync(100);
        var got = (await c.ReadMessagesAsync(52)).Select(m => m.Text()).Order().ToList();
        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"m{i}").Append("one").Append("http").Order(), got);
    }

    [Theory]
    [InlineData("memory")]
    [InlineData("durable")]
    public async Task In_flight_messages_are_redelivered_once_after_a_clean_restart(string durability)
    {
        await using var broker = await TestBroker.StartAsync(o => o.Durability = durability);
        await using (var c = await broker.ConnectAsync())
        {
            await c.SubscribeAsync("f", "c");
            await c.PublishManyAsync("f", Enumerable.Range(0, 10).Select(i => $"m{i}"));
            await c.RdyAsync(10);
            var held = await c.ReadMessagesAsync(10);
            for (var i = 0; i < 5; i++) await c.FinAsync(held[i].Id);
            await c.AssertStillWorksAsync();
            await broker.RestartAsync();
        }
        await using var sub = await broker.ConnectAsync();
        await sub.SubscribeAsync("f", "c", rdy: 100);
        var again = await sub.ReadMessagesAsync(5, TimeSpan.FromSeconds(5));
        Assert.All(again, m => Assert.Equal(2, m.Attempts)); // attempts survive the restart
        Assert.Equal(5, again.Select(m => m.Text()).Distinct().Count());
        await sub.AssertNothingWithinAsync(Short);
    }

    [Fact]
    public async Task Deferred_messages_beyond_the_memory_limit_spill_and_come_back_at_their_due_time()
    {
        await using var broker = await TestBroker.StartAsync(o => o.MemQueueSize = 2);
        await using var pub = await broker.ConnectAsync();
        await using var sub = await broker.ConnectAsync();
        await sub.SubscribeAsync("sp", "c", rdy: 100);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 10; i++)
        {
            var body = System.Text.Encoding.ASCII.GetBytes($"d{i}");
            await pub.SendAsync(o => CommandWriter.Dpub(o, "sp", 800, body));
            Assert.Equal("OK", await pub.ReadResponseTextAsync());
        }
        Assert.Equal(10, broker.Server.Broker.FindTopic("sp")!.FindChannel("c")!.Snapshot().Deferred);
        var got = await sub.ReadMessagesAsync(10, TimeSpan.FromSeconds(5));
        Assert.True(clock.ElapsedMilliseconds >= 750, $"delivered after {clock.ElapsedMilliseconds} ms");
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"d{i}").Order(), got.Select(m => m.Text()).Order());
    }

    [Fact]
    public async Task Max_defer_timeout_governs_dpub_and_http_defer()
    {
        await using var broker = await TestBroker.StartAsync(o => o.MaxDeferTimeout = TimeSpan.FromDays(3));
        await using var c = await broker.ConnectAsync();
        await c.SendAsync(o => CommandWriter.Dpub(o, "long", 2 * 24 * 3_600_000L, "two days"u8));
        Assert.Equal("OK", await c.ReadResponseTextAsync());
        using var http = broker.HttpClient();
        Assert.Equal(200, (int)(await http.PostAsync($"/pub?topic=long&defer={3 * 24 * 3_600_000L}", new StringContent("x"))).StatusCode);
        Assert.Equal(400, (int)(await http.PostAsync($"/pub?topic=long&defer={3 * 24 * 3_600_000L + 1}", new StringContent("x"))).StatusCode);
        await c.SendAsync(o => CommandWriter.Dpub(o, "long", 3 * 24 * 3_600_000L + 1, "too long"u8));
        await c.AssertFatalAsync($"ERR E_INVALID DPUB timeout {3 * 24 * 3_600_000L + 1} out of range 0-{3 * 24 * 3_600_000L}");
    }

    [Fact]
    public async Task A_corrupt_segment_is_moved_aside_and_counted_in_stats()
    {
        // The third record's length is broken: the reader serves two, moves the segment aside, goes on.
        await using var broker = await StorageDamage.StartWithBrokenChannelAsync("bad", "c", count: 5, broken: 2);
        await using var sub = await broker.ConnectAsync();
        await sub.SubscribeAsync("bad", "c", rdy: 10);
        Assert.Equal(["m0", "m1"], (await sub.ReadMessagesAsync(2)).Select(m => m.Text()));
        await sub.AssertNothingWithinAsync(Short);
        Assert.True(File.Exists(StorageDamage.SegmentPath(broker, "bad", "c") + ".bad"));
        using var http = broker.HttpClient();
        var topic = (await http.StatsJsonAsync("&topic=bad")).GetProperty("topics")[0];
        var channel = topic.GetProperty("channels")[0];
        Assert.Equal(1, channel.GetProperty("backend_bad_segments").GetInt64());
        // A go-diskqueue segment cannot say how many records followed the damage: the segment counts as one.
        Assert.Equal(1, channel.GetProperty("backend_corrupt_records").GetInt64());
        // Zero at topic level: the keys are left out, so the key set is nsqd's.
        Assert.False(topic.TryGetProperty("backend_bad_segments", out _));
        Assert.False(topic.TryGetProperty("backend_corrupt_records", out _));
    }

    [Fact]
    public async Task Queues_read_back_from_disk_without_damage_report_no_damage_keys()
    {
        await using var broker = await StorageDamage.StartWithBrokenChannelAsync("good", "c", count: 5, broken: null);
        await using var sub = await broker.ConnectAsync();
        await sub.SubscribeAsync("good", "c", rdy: 10);
        Assert.Equal(5, (await sub.ReadMessagesAsync(5)).Count);
        using var http = broker.HttpClient();
        var topic = (await http.StatsJsonAsync("&topic=good")).GetProperty("topics")[0];
        foreach (var queue in new[] { topic, topic.GetProperty("channels")[0] })
        {
            Assert.False(queue.TryGetProperty("backend_bad_segments", out _));
            Assert.False(queue.TryGetProperty("backend_corrupt_records", out _));
        }
    }
}
