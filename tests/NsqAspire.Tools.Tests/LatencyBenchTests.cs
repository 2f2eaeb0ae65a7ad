using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace NsqAspire.Tools.Tests;

/// <summary><c>nsq bench --mode=latency</c> against an in-process broker: one <c>[latency]</c> line in the shape the
/// comparison harness parses, no more deliveries than were scheduled and the broker saw, no errors; bad values are
/// refused before connecting.</summary>
public sealed partial class LatencyBenchTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Latency_mode_prints_one_latency_line_for_what_the_broker_delivered()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var tool = await ToolProcess.RunAsync(["bench", "--mode=latency", $"--nsqd-tcp-address=127.0.0.1:{broker.Tcp.Port}",
            "--topic=lat", "--rate=2000", "--duration=1s", "--warmup=200ms"], timeout: Timeout);

        Assert.True(tool.ExitCode == 0, string.Join('\n', tool.Errors));
        var line = Assert.Single(tool.Output);
        Assert.Matches(LatencyLine(), line);
        Assert.Equal("nsq-gopattern", Field(line, "client"));
        Assert.Equal("2000", Field(line, "rate"));
        Assert.Equal("0", Field(line, "errors"));
        var msgs = long.Parse(Field(line, "msgs"), CultureInfo.InvariantCulture);
        // At most what the schedule sends in the window (a publisher behind at the warm-up's end may pull a batch in).
        Assert.True(msgs > 0 && msgs <= 2000 * 1.1, $"msgs={msgs}");
        // Warm-up messages went through the channel too: it saw at least the counted ones.
        Assert.True(await ChannelMessageCountAsync(broker, "lat", "ch") >= msgs);
    }

    [Theory]
    [InlineData("--duration=1s")]
    [InlineData("--rate=100", "--size=4")]
    [InlineData("--rate=100", "--batch=0")]
    public async Task A_bad_value_fails_with_exit_1_before_connecting(params string[] flags)
    {
        await using var tool = await ToolProcess.RunAsync(["bench", "--mode=latency", "--nsqd-tcp-address=127.0.0.1:1", .. flags],
            timeout: Timeout);
        Assert.Equal(1, tool.ExitCode);
        Assert.Contains(tool.Errors, l => l.StartsWith("[bench] FATAL: --", StringComparison.Ordinal));
        Assert.Empty(tool.Output);
    }

    private static string Field(string line, string key)
    {
        var match = Regex.Match(line, $@" {key}=(\S+)");
        Assert.True(match.Success, $"no {key}= in {line}");
        return match.Groups[1].Value;
    }

    private static async Task<long> ChannelMessageCountAsync(TestBroker broker, string topic, string channel)
    {
        using var http = broker.HttpClient();
        using var stats = JsonDocument.Parse(await http.GetStringAsync($"/stats?format=json&topic={topic}"));
        foreach (var t in stats.RootElement.GetProperty("topics").EnumerateArray())
        {
            if (t.GetProperty("topic_name").GetString() != topic) continue;
            foreach (var c in t.GetProperty("channels").EnumerateArray())
                if (c.GetProperty("channel_name").GetString() == channel) return c.GetProperty("message_count").GetInt64();
        }
        throw new InvalidOperationException($"no channel {topic}/{channel} in /stats");
    }

    /// <summary>The shared output line of every load program in the latency comparison.</summary>
    [GeneratedRegex(@"^\[latency\] client=\S+ rate=\d+ msgs=\d+ elapsed_s=\d+\.\d{3} p50_ms=\d+\.\d{3} p99_ms=\d+\.\d{3} p999_ms=\d+\.\d{3} max_ms=\d+\.\d{3} errors=\d+$")]
    private static partial Regex LatencyLine();
}
