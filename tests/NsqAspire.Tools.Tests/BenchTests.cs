using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace NsqAspire.Tools.Tests;

/// <summary><c>nsq bench_writer</c>, <c>nsq bench_reader</c> and <c>nsq bench</c> against an in-process broker (and
/// lookup): the counts they report are the broker's, the output lines the benchmark scripts parse keep their shape,
/// Ctrl+C ends a run with its summary, bad flags exit 2.</summary>
public sealed partial class BenchTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Writer_reports_as_many_messages_as_the_topic_received()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var tool = await ToolProcess.RunAsync(["bench_writer", Nsqd(broker), "--topic=bw", "--runfor=300ms",
            "--size=100", "--batch-size=50", "--connections=2"], timeout: Timeout);

        Assert.True(tool.ExitCode == 0, string.Join('\n', tool.Errors));
        Assert.Matches(DurationLine(), tool.Output[0]);
        var written = Field(tool.Output, "writer", "msgs");
        Assert.True(written > 0 && written % 50 == 0, $"msgs={written}");
        Assert.Equal(written, (await TopicAsync(broker, "bw")).GetProperty("message_count").GetInt64());
    }

    [Fact]
    public async Task Reader_drains_a_backlog_and_reports_its_count()
    {
        await using var broker = await TestBroker.StartAsync();
        using var http = broker.HttpClient();
        (await http.PostAsync("/topic/create?topic=br", null)).EnsureSuccessStatusCode();
        (await http.PostAsync("/channel/create?topic=br&channel=ch", null)).EnsureSuccessStatusCode();
        var body = string.Join('\n', Enumerable.Range(0, 1000).Select(i => $"message {i:D4}"));
        (await http.PostAsync("/mpub?topic=br", new StringContent(body, Encoding.UTF8))).EnsureSuccessStatusCode();

        // As bench_reader: reads for the whole --runfor.
        await using var tool = await ToolProcess.RunAsync(["reader", Nsqd(broker), "--topic=br", "--channel=ch", "--runfor=1s",
            "--connections=2", "--rdy=100"], timeout: Timeout);

        Assert.True(tool.ExitCode == 0, string.Join('\n', tool.Errors));
        Assert.Matches(DurationLine(), tool.Output[0]);
        Assert.Equal(1000, Field(tool.Output, "reader", "msgs"));
        var channel = (await TopicAsync(broker, "br")).GetProperty("channels")[0];
        Assert.Equal(0, channel.GetProperty("depth").GetInt64());
        Assert.Equal(0, channel.GetProperty("in_flight_count").GetInt64());
    }

    [Fact]
    public async Task Bench_writes_then_reads_back_its_backlog()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var tool = await ToolProcess.RunAsync(["bench", Nsqd(broker), "--topic=bb", "--runfor=300ms",
            "--idle-exit=200ms", "--connections=2", "--batch-size=20"], timeout: Timeout);

        Assert.True(tool.ExitCode == 0, string.Join('\n', tool.Errors));
        Assert.Equal(4, tool.Output.Count);
        var written = Field(tool.Output, "writer", "msgs");
        var read = Field(tool.Output, "reader", "msgs");
        Assert.True(written > 0 && read > 0, $"written {written}, read {read}");
        // The channel existed before the writer started, so it got every message; the reader, bounded by --runfor too,
        // finished what it reports and left the rest (usually nothing) in the channel.
        var topic = await TopicAsync(broker, "bb");
        Assert.Equal(written, topic.GetProperty("message_count").GetInt64());
        Assert.Equal(written, topic.GetProperty("channels")[0].GetProperty("message_count").GetInt64());
        await Poll.UntilAsync(async () => (await TopicAsync(broker, "bb")).GetProperty("channels")[0].GetProperty("in_flight_count").GetInt64() == 0,
            "the reader's unfinished messages requeued", Timeout);
        var depth = (await TopicAsync(broker, "bb")).GetProperty("channels")[0].GetProperty("depth").GetInt64();
        Assert.Equal(written, read + depth);
    }

    [Fact]
    public async Task Ctrl_c_ends_the_run_with_its_summary_after_live_progress_on_stderr()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var tool = ToolProcess.Start(["writer", Nsqd(broker), "--topic=bi", "--runfor=1m", "--progress=100ms",
            "--connections=1"]);
        await Poll.UntilAsync(() => Task.FromResult(tool.Errors.Any(l => ProgressLine().IsMatch(l))),
            () => Task.FromResult($"a progress line on stderr (stderr: {string.Join(" | ", tool.Errors)})"), Timeout);
        Assert.Empty(tool.Output);

        await tool.InterruptAsync();

        Assert.Equal(0, await tool.WaitForExitAsync(Timeout));
        Assert.Matches(DurationLine(), tool.Output[0]);
        Assert.Equal((await TopicAsync(broker, "bi")).GetProperty("message_count").GetInt64(), Field(tool.Output, "writer", "msgs"));
    }

    [Fact]
    public async Task Lookup_mode_measures_lookup_requests_for_a_registered_topic()
    {
        await using var lookup = await TestLookup.StartAsync();
        await using var tool = await ToolProcess.RunAsync(["bench", "--mode=lookup", "--register", "--topic=bl",
            $"--lookupd-http-address=127.0.0.1:{lookup.Server.HttpEndPoint.Port}",
            $"--lookupd-tcp-address=127.0.0.1:{lookup.Server.TcpEndPoint.Port}", "--runfor=300ms", "--warmup=0s", "--connections=2"],
            timeout: Timeout);

        Assert.True(tool.ExitCode == 0, string.Join('\n', tool.Errors));
        Assert.True(Field(tool.Output, "lookup", "requests") > 0);
        Assert.Equal(0, Field(tool.Output, "lookup", "errors"));
    }

    [Theory]
    [InlineData("bench_writer", "--bogus")]
    [InlineData("bench_reader", "--rdy")]
    [InlineData("bench", "writer")]
    public async Task Bad_flags_exit_2(string command, string flag)
    {
        await using var tool = await ToolProcess.RunAsync([command, flag], timeout: Timeout);
        Assert.Equal(2, tool.ExitCode);
        Assert.Contains(tool.Errors, l => l.Contains($"[{command}] FATAL", StringComparison.Ordinal));
        Assert.Empty(tool.Output);
    }

    [Fact]
    public async Task A_bad_value_fails_with_exit_1_before_connecting()
    {
        await using var tool = await ToolProcess.RunAsync(["bench_writer", "--batch-size=0", "--nsqd-tcp-address=127.0.0.1:1"],
            timeout: Timeout);
        Assert.Equal(1, tool.ExitCode);
        Assert.Contains("[bench_writer] FATAL: --batch-size must be positive", tool.Errors);
    }

    private static string Nsqd(TestBroker broker) => $"--nsqd-tcp-address=127.0.0.1:{broker.Tcp.Port}";

    /// <summary>The number after <c> key=</c> in the <c>[role]</c> summary line.</summary>
    private static long Field(IReadOnlyList<string> output, string role, string key)
    {
        var line = output.Single(l => l.StartsWith($"[{role}] ", StringComparison.Ordinal));
        var match = Regex.Match(line, $@" {key}=(\d+)");
        Assert.True(match.Success, $"no {key}= in {line}");
        return long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    private static async Task<JsonElement> TopicAsync(TestBroker broker, string topic)
    {
        using var http = broker.HttpClient();
        using var stats = JsonDocument.Parse(await http.GetStringAsync($"/stats?format=json&topic={topic}"));
        foreach (var t in stats.RootElement.GetProperty("topics").EnumerateArray())
            if (t.GetProperty("topic_name").GetString() == topic) return t.Clone();
        throw new InvalidOperationException($"no topic {topic} in /stats");
    }

    /// <summary>bench_writer's result line, which scripts comparing with the Go tool parse.</summary>
    [GeneratedRegex(@"^duration: \S+ - \d+\.\d{3}mb/s - \d+\.\d{3}ops/s - \d+\.\d{3}us/op$")]
    private static partial Regex DurationLine();

    [GeneratedRegex(@"^\[writer\] \d+\.\ds msgs=\d+ rate=\d+/s$")]
    private static partial Regex ProgressLine();
}
