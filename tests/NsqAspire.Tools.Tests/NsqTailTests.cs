using System.Text;

namespace NsqAspire.Tools.Tests;

/// <summary><c>nsq nsq_tail</c> against an in-process broker: every message printed once, in order on one connection,
/// <c>-n</c> and <c>--print-topic</c> as the Go tool.</summary>
public sealed class NsqTailTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Prints_n_messages_one_per_line_then_exits_0()
    {
        await using var broker = await TestBroker.StartAsync();
        using var http = broker.HttpClient();
        for (var i = 0; i < 5; i++)
            (await http.PostAsync("/pub?topic=tail_n", new StringContent($"line {i}", Encoding.UTF8))).EnsureSuccessStatusCode();

        await using var tool = await ToolProcess.RunAsync(["nsq_tail", $"--nsqd-tcp-address=127.0.0.1:{broker.Tcp.Port}",
            "--topic=tail_n", "-n", "5"], timeout: Timeout);

        Assert.Equal(0, tool.ExitCode);
        Assert.Equal(["line 0", "line 1", "line 2", "line 3", "line 4"], tool.Output);
    }

    [Fact]
    public async Task Print_topic_prefixes_each_line_and_ctrl_c_stops_cleanly()
    {
        await using var broker = await TestBroker.StartAsync();
        using var http = broker.HttpClient();
        await using var tool = ToolProcess.Start(["tail", $"--nsqd-tcp-address=127.0.0.1:{broker.Tcp.Port}", "--topic=tail_a",
            "--topic=tail_b", "--print-topic", "--channel=watch"]);
        // The channel exists once the tool has subscribed; publish only then so nothing goes to a channel-less topic.
        await Poll.UntilAsync(async () => (await http.GetStringAsync("/stats?format=json")).Split("\"watch\"").Length == 3,
            "nsq_tail subscribed to both topics", Timeout);
        (await http.PostAsync("/pub?topic=tail_a", new StringContent("from a"))).EnsureSuccessStatusCode();
        (await http.PostAsync("/pub?topic=tail_b", new StringContent("from b"))).EnsureSuccessStatusCode();
        await tool.WaitForOutputAsync(2, Timeout);

        await tool.InterruptAsync();

        Assert.Equal(0, await tool.WaitForExitAsync(Timeout));
        Assert.Equal(["tail_a | from a", "tail_b | from b"], tool.Output.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Without_an_address_it_fails_with_the_go_tools_message()
    {
        await using var tool = await ToolProcess.RunAsync(["nsq_tail", "--topic=t"], timeout: Timeout);
        Assert.Equal(1, tool.ExitCode);
        Assert.Contains(tool.Errors, l => l.Contains("--nsqd-tcp-address or --lookupd-http-address required", StringComparison.Ordinal));
    }
}
