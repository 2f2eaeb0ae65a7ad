namespace NsqAspire.Tools.Tests;

/// <summary>The <c>nsq</c> entry point: the tool list, each tool's help and version, Go's exit codes for bad flags.</summary>
public sealed class ToolCommandLineTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Help_lists_every_tool_by_its_go_name_and_alias()
    {
        await using var tool = await ToolProcess.RunAsync(["--help"], timeout: Timeout);
        Assert.Equal(0, tool.ExitCode);
        var text = string.Join('\n', tool.Output);
        foreach (var (name, alias) in new[]
                 {
                     ("nsq_tail", "tail"), ("to_nsq", "pub"), ("nsq_stat", "stat"), ("nsq_to_file", "to-file"),
                     ("nsq_to_http", "to-http"), ("nsq_to_nsq", "to-nsq"), ("bench_writer", "writer"), ("bench_reader", "reader"),
                     ("bench", "both"),
                 })
            Assert.Matches($@"(?m)^  {name} +{alias} ", text);
    }

    [Fact]
    public async Task An_unknown_tool_exits_2_and_lists_the_tools()
    {
        await using var tool = await ToolProcess.RunAsync(["nsq_frobnicate"], timeout: Timeout);
        Assert.Equal(2, tool.ExitCode);
        Assert.Contains(tool.Errors, l => l.Contains("unknown tool \"nsq_frobnicate\"", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("nsq_tail")]
    [InlineData("tail")]
    [InlineData("to_nsq")]
    [InlineData("nsq_stat")]
    [InlineData("nsq_to_file")]
    [InlineData("nsq_to_http")]
    [InlineData("nsq_to_nsq")]
    [InlineData("bench_writer")]
    [InlineData("bench_reader")]
    public async Task Each_tool_prints_its_version_like_the_go_tool(string name)
    {
        await using var tool = await ToolProcess.RunAsync([name, "--version"], timeout: Timeout);
        Assert.Equal(0, tool.ExitCode);
        var goName = name == "tail" ? "nsq_tail" : name;
        Assert.Equal($"{goName} v1.3.0 (built w/dotnet)", Assert.Single(tool.Output));
    }

    [Fact]
    public async Task An_unknown_flag_exits_2_with_gos_message()
    {
        await using var tool = await ToolProcess.RunAsync(["nsq_tail", "--no-such-flag"], timeout: Timeout);
        Assert.Equal(2, tool.ExitCode);
        Assert.Contains(tool.Errors, l => l.Contains("flag provided but not defined: --no-such-flag", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_bad_consumer_opt_is_refused_with_go_nsqs_wording()
    {
        await using var tool = await ToolProcess.RunAsync(["nsq_tail", "--topic=t", "--nsqd-tcp-address=127.0.0.1:4150",
            "--consumer-opt=max_in_flightx,3"], timeout: Timeout);
        Assert.Equal(1, tool.ExitCode);
        Assert.Contains(tool.Errors, l => l.Contains("invalid option max_in_flightx", StringComparison.Ordinal));
    }
}
