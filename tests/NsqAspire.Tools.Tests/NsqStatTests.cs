namespace NsqAspire.Tools.Tests;

/// <summary><c>nsq nsq_stat</c> against in-process brokers and a lookup: the Go tool's table header verbatim, rows with
/// the channel's summed depth and counts, <c>--count</c> rows and then exit 0, the Go tool's errors.</summary>
public sealed class NsqStatTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    // The Go tool's header lines, as nsq_stat v1.3.0 prints them.
    private const string RuleLine = "------rate------+----------------depth----------------+--------------metadata---------------";
    private const string ColumnsLine = "ingress  egress |   total     mem    disk inflt   def |     req     t-o         msgs clients";

    [Fact]
    public async Task Prints_the_go_header_then_count_rows_of_the_channels_depth_and_exits_0()
    {
        await using var broker = await TestBroker.StartAsync();
        using var http = broker.HttpClient();
        (await http.PostAsync("/topic/create?topic=stat_a", null)).EnsureSuccessStatusCode();
        (await http.PostAsync("/channel/create?topic=stat_a&channel=c", null)).EnsureSuccessStatusCode();
        for (var i = 0; i < 3; i++) (await http.PostAsync("/pub?topic=stat_a", new StringContent($"m{i}"))).EnsureSuccessStatusCode();

        await using var tool = await ToolProcess.RunAsync(["nsq_stat", $"--nsqd-http-address=127.0.0.1:{broker.Http.Port}",
            "--topic=stat_a", "--channel=c", "--count=2", "--interval=100ms"], timeout: Timeout);

        Assert.Equal(0, tool.ExitCode);
        const string Row = "      0       0 |       3       3       0     0     0 |       0       0            3       0";
        Assert.Equal([RuleLine, ColumnsLine, Row, Row], tool.Output);
    }

    [Fact]
    public async Task Sums_the_channel_over_every_nsqd_the_lookup_knows()
    {
        await using var lookup = await TestLookup.StartAsync();
        await using var first = await TestBroker.StartRegisteredWithAsync(lookup.Server);
        await using var second = await TestBroker.StartRegisteredWithAsync(lookup.Server);
        foreach (var (broker, messages) in new[] { (first, 2), (second, 3) })
        {
            using var http = broker.HttpClient();
            (await http.PostAsync("/topic/create?topic=stat_sum", null)).EnsureSuccessStatusCode();
            (await http.PostAsync("/channel/create?topic=stat_sum&channel=c", null)).EnsureSuccessStatusCode();
            for (var i = 0; i < messages; i++) (await http.PostAsync("/pub?topic=stat_sum", new StringContent("x"))).EnsureSuccessStatusCode();
        }
        await Poll.UntilAsync(async () => (await lookup.GetAsync("/lookup?topic=stat_sum")).Body.Split("\"http_port\"").Length == 3,
            "both brokers registered stat_sum", Timeout);

        await using var tool = await ToolProcess.RunAsync(["stat", $"--lookupd-http-address=127.0.0.1:{lookup.Server.HttpEndPoint.Port}",
            "--topic=stat_sum", "--channel=c", "--count=1", "--interval=100ms"], timeout: Timeout);

        Assert.Equal(0, tool.ExitCode);
        Assert.Equal([RuleLine, ColumnsLine, "      0       0 |       5       5       0     0     0 |       0       0            5       0"],
            tool.Output);
    }

    [Fact]
    public async Task A_channel_no_nsqd_has_is_fatal_with_the_go_tools_message()
    {
        await using var broker = await TestBroker.StartAsync();
        using var http = broker.HttpClient();
        (await http.PostAsync("/topic/create?topic=stat_none", null)).EnsureSuccessStatusCode();

        await using var tool = await ToolProcess.RunAsync(["nsq_stat", $"--nsqd-http-address=127.0.0.1:{broker.Http.Port}",
            "--topic=stat_none", "--channel=missing", "--count=1", "--interval=100ms"], timeout: Timeout);

        Assert.Equal(1, tool.ExitCode);
        Assert.Contains(tool.Errors, l => l.Contains("ERROR: failed to find channel(missing) in stats metadata for topic(stat_none)", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("--topic=t", "--topic and --channel are required")]
    [InlineData("--topic=t --channel=c", "--nsqd-http-address or --lookupd-http-address required")]
    [InlineData("--topic=t --channel=c --count=0 --nsqd-http-address=127.0.0.1:1", "--count should be positive")]
    [InlineData("--topic=t --channel=c --nsqd-http-address=http://127.0.0.1:1", "--nsqd-http-address error - address should not contain scheme")]
    public async Task Bad_flags_fail_with_the_go_tools_message(string args, string message)
    {
        await using var tool = await ToolProcess.RunAsync(["nsq_stat", .. args.Split(' ')], timeout: Timeout);
        Assert.Equal(1, tool.ExitCode);
        Assert.Contains(tool.Errors, l => l.Contains(message, StringComparison.Ordinal));
    }
}
