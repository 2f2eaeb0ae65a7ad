using System.Diagnostics;
using System.Text;
using Nsq.Protocol.V2;
using Nsq.TestUtilities.Crash;
using Nsqd.Core.Tests.Infrastructure;

namespace Nsqd.Core.Tests.Process;

/// <summary>
/// --durability=durable against kill -9 of the real host: every acknowledged publish survives, in-flight messages are
/// redelivered, deferred messages keep their due time. (tests/Benchmarks/crash-test.sh runs the same trial as often as asked.)
/// </summary>
public sealed class CrashDurabilityTests : IDisposable
{
    private readonly TempDirectory _data = new("nsqd-crash");


    [Fact]
    public async Task Kill_9_at_a_random_moment_loses_no_acknowledged_message()
    {
        var seed = Environment.TickCount;
        var results = new List<CrashTrialResult>();
        for (var trial = 1; trial <= 3; trial++)
        {
            var data = _data.File(trial.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Directory.CreateDirectory(data);
            results.Add(await CrashTrial.RunAsync(RepositoryPaths.NsqdServiceDll, data, trial, seed + trial));
        }
        var report = $"seed {seed}: " + string.Join("; ", results);
        Assert.All(results, r => Assert.True(r.Acknowledged > 0, report));
        Assert.All(results, r => Assert.True(r.Missing == 0, report));
    }

    [Fact]
    public async Task A_deferred_message_keeps_its_due_time_across_kill_9()
    {
        var clock = Stopwatch.StartNew();
        await using (var nsqd = await NsqdProcess.StartAsync(_data.Path, "--durability=durable"))
        {
            await using var sub = await SubscribeAsync(nsqd, "later", rdy: 0);
            await using var pub = await RawClient.ConnectAsync(nsqd.Tcp);
            await pub.SendAsync(o => CommandWriter.Dpub(o, "later", 4_000, "due-in-4s"u8));
            Assert.Equal("OK", await pub.ReadResponseTextAsync());
            await nsqd.KillAsync();
        }

        await using (var nsqd = await NsqdProcess.StartAsync(_data.Path, "--durability=durable"))
        {
            await using var sub = await SubscribeAsync(nsqd, "later", rdy: 10);
            var m = await sub.ReadMessageAsync(TimeSpan.FromSeconds(15));
            Assert.Equal("due-in-4s", Encoding.ASCII.GetString(m.Body));
            Assert.True(clock.ElapsedMilliseconds >= 3_900, $"delivered after {clock.ElapsedMilliseconds} ms, before its due time");
        }
    }

    [Fact]
    public async Task A_message_requeued_with_a_delay_keeps_its_due_time_across_kill_9()
    {
        var clock = Stopwatch.StartNew();
        await using (var nsqd = await NsqdProcess.StartAsync(_data.Path, "--durability=durable"))
        {
            await using var sub = await SubscribeAsync(nsqd, "backoff", rdy: 0);
            await using var pub = await RawClient.ConnectAsync(nsqd.Tcp);
            await pub.SendAsync(o => CommandWriter.Pub(o, "backoff", "retry-in-4s"u8));
            Assert.Equal("OK", await pub.ReadResponseTextAsync());
            await sub.SendAsync(o => CommandWriter.Rdy(o, 1));
            var m = await sub.ReadMessageAsync(TimeSpan.FromSeconds(10));
            clock.Restart();
            await sub.SendAsync(o => CommandWriter.Req(o, Encoding.ASCII.GetBytes(m.Id), 4_000));
            // REQ has no answer: a FIN of an unknown ID does, and is handled after the REQ.
            await sub.SendAsync(o => CommandWriter.Fin(o, "0000000000000000"u8));
            var (type, _) = await sub.ReadNonHeartbeatAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(FrameType.Error, type);
            await nsqd.KillAsync();
        }

        await using (var nsqd = await NsqdProcess.StartAsync(_data.Path, "--durability=durable"))
        {
            await using var sub = await SubscribeAsync(nsqd, "backoff", rdy: 10);
            var m = await sub.ReadMessageAsync(TimeSpan.FromSeconds(15));
            Assert.Equal("retry-in-4s", Encoding.ASCII.GetString(m.Body));
            Assert.True(clock.ElapsedMilliseconds >= 3_900, $"delivered {clock.ElapsedMilliseconds} ms after the REQ, before its due time");
            Assert.Equal(2, m.Attempts);
        }
    }

    [Fact]
    public async Task In_flight_messages_are_redelivered_after_kill_9()
    {
        await using (var nsqd = await NsqdProcess.StartAsync(_data.Path, "--durability=durable"))
        {
            await using var sub = await SubscribeAsync(nsqd, "held", rdy: 0);
            await using var pub = await RawClient.ConnectAsync(nsqd.Tcp);
            var bodies = Enumerable.Range(0, 20).Select(i => (ReadOnlyMemory<byte>)Encoding.ASCII.GetBytes($"h{i}")).ToArray();
            await pub.SendAsync(o => CommandWriter.Mpub(o, "held", bodies));
            Assert.Equal("OK", await pub.ReadResponseTextAsync());
            await sub.SendAsync(o => CommandWriter.Rdy(o, 20));
            // All 20 in flight, 10 finished; then the process dies.
            for (var i = 0; i < 20; i++)
            {
                var m = await sub.ReadMessageAsync(TimeSpan.FromSeconds(10));
                if (int.Parse(Encoding.ASCII.GetString(m.Body)[1..], System.Globalization.CultureInfo.InvariantCulture) < 10)
                    await sub.SendAsync(o => CommandWriter.Fin(o, Encoding.ASCII.GetBytes(m.Id)));
            }
            await sub.SendAsync(o => CommandWriter.Nop(o));
            await nsqd.KillAsync();
        }

        await using (var nsqd = await NsqdProcess.StartAsync(_data.Path, "--durability=durable"))
        {
            await using var sub = await SubscribeAsync(nsqd, "held", rdy: 100);
            var seen = new HashSet<string>();
            while (!Enumerable.Range(10, 10).All(i => seen.Contains($"h{i}")))
            {
                var m = await sub.ReadMessageAsync(TimeSpan.FromSeconds(10));
                seen.Add(Encoding.ASCII.GetString(m.Body));
                await sub.SendAsync(o => CommandWriter.Fin(o, Encoding.ASCII.GetBytes(m.Id)));
            }
            // At-least-once: the unfinished ten are back (finished ones may be too, as duplicates).
            Assert.Subset(seen, Enumerable.Range(10, 10).Select(i => $"h{i}").ToHashSet());
        }
    }

    [Fact]
    public async Task Messages_moving_from_topic_to_channel_survive_kill_9()
    {
        const int total = 500;
        await using (var nsqd = await NsqdProcess.StartAsync(_data.Path, "--durability=durable"))
        {
            // No channel yet: the topic keeps the messages in its own disk queue.
            await using var pub = await RawClient.ConnectAsync(nsqd.Tcp);
            for (var batch = 0; batch < total / 100; batch++)
            {
                var bodies = Enumerable.Range(batch * 100, 100).Select(i => (ReadOnlyMemory<byte>)Encoding.ASCII.GetBytes($"t{i}")).ToArray();
                await pub.SendAsync(o => CommandWriter.Mpub(o, "hop", bodies));
                Assert.Equal("OK", await pub.ReadResponseTextAsync());
            }
            // The channel appears: the topic drains into it; some messages go in flight, none is finished.
            await using var sub = await SubscribeAsync(nsqd, "hop", rdy: 50);
            for (var i = 0; i < 50; i++) await sub.ReadMessageAsync(TimeSpan.FromSeconds(10));
            await nsqd.KillAsync();
        }

        await using (var nsqd = await NsqdProcess.StartAsync(_data.Path, "--durability=durable"))
        {
            await using var sub = await SubscribeAsync(nsqd, "hop", rdy: 1000);
            var seen = new HashSet<string>();
            while (seen.Count < total)
            {
                var m = await sub.ReadMessageAsync(TimeSpan.FromSeconds(10));
                seen.Add(Encoding.ASCII.GetString(m.Body));
                await sub.SendAsync(o => CommandWriter.Fin(o, Encoding.ASCII.GetBytes(m.Id)));
            }
            Assert.Equal(Enumerable.Range(0, total).Select(i => $"t{i}").ToHashSet(), seen);
        }
    }

    [Fact]
    public async Task Topics_channels_and_paused_flags_survive_kill_9()
    {
        await using (var nsqd = await NsqdProcess.StartAsync(_data.Path))
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{nsqd.HttpPort}/") };
            Assert.True((await http.PostAsync("/topic/create?topic=meta", null)).IsSuccessStatusCode);
            Assert.True((await http.PostAsync("/channel/create?topic=meta&channel=kept", null)).IsSuccessStatusCode);
            Assert.True((await http.PostAsync("/channel/create?topic=meta&channel=paused", null)).IsSuccessStatusCode);
            Assert.True((await http.PostAsync("/channel/pause?topic=meta&channel=paused", null)).IsSuccessStatusCode);
            Assert.True((await http.PostAsync("/topic/create?topic=other", null)).IsSuccessStatusCode);
            Assert.True((await http.PostAsync("/topic/pause?topic=other", null)).IsSuccessStatusCode);
            await nsqd.KillAsync();
        }

        await using (var nsqd = await NsqdProcess.StartAsync(_data.Path))
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{nsqd.HttpPort}/") };
            using var stats = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync("/stats?format=json"));
            var topics = stats.RootElement.GetProperty("topics").EnumerateArray()
                .ToDictionary(t => t.GetProperty("topic_name").GetString()!, t => t);
            Assert.True(topics["other"].GetProperty("paused").GetBoolean());
            var channels = topics["meta"].GetProperty("channels").EnumerateArray()
                .ToDictionary(c => c.GetProperty("channel_name").GetString()!, c => c.GetProperty("paused").GetBoolean());
            Assert.Equal(new Dictionary<string, bool> { ["kept"] = false, ["paused"] = true }, channels);
        }
    }

    /// <summary>A consumer on <c>topic/ch</c> of the given process, with RDY <paramref name="rdy"/> sent (0: none yet).</summary>
    private static async Task<RawClient> SubscribeAsync(NsqdProcess nsqd, string topic, int rdy)
    {
        var sub = await RawClient.ConnectAsync(nsqd.Tcp);
        await sub.SendAsync(o => CommandWriter.Sub(o, topic, "ch"));
        Assert.Equal("OK", await sub.ReadResponseTextAsync());
        if (rdy > 0) await sub.SendAsync(o => CommandWriter.Rdy(o, rdy));
        return sub;
    }

    public void Dispose() => _data.Dispose();
}
