using System.Globalization;
using Nsq.TestUtilities.Client;
using static NsqAspire.Tools.Tests.NsqToFileTestKit;

namespace NsqAspire.Tools.Tests;

/// <summary><c>nsq nsq_to_file</c> against an in-process broker: a line per message in a file named as the Go tool
/// names it, FIN only after the sync, Ctrl+C leaving complete files, the Go tool's start-up errors.</summary>
public sealed class NsqToFileTests
{
    [Fact]
    public async Task Each_message_is_one_line_in_a_file_named_by_the_go_default_format()
    {
        await using var broker = await TestBroker.StartAsync();
        using var output = new TempDirectory("nsq-to-file");
        string[] messages = ["first", "second with spaces", "{\"json\":true}", "last"];
        await PublishAsync(broker, "archive", messages);
        var before = $"archive.hostX.{DateTime.Now:yyyy-MM-dd_HH}.log";

        await using var tool = Start(broker, "archive", output.Path, "--sync-interval=100ms");
        await WaitForFinishedAsync(broker, "archive", tool);
        await StopAsync(tool);

        var after = $"archive.hostX.{DateTime.Now:yyyy-MM-dd_HH}.log";
        var name = Assert.Single(output.FileNames());
        Assert.Contains(name, new[] { before, after });
        Assert.Equal(messages, Lines(output.File(name)));
        Assert.Contains(tool.Errors, l => l.StartsWith("[nsq_to_file] ", StringComparison.Ordinal)
            && l.EndsWith($"INFO: [archive/nsq_to_file] opening {output.File(name)}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Datetime_format_is_strftime_turned_into_a_go_layout_as_the_go_tool_does()
    {
        await using var broker = await TestBroker.StartAsync();
        using var output = new TempDirectory("nsq-to-file");
        await PublishAsync(broker, "layout", ["one"]);
        // "%Y-%b" are strftime; the literal "x1_2" is Go layout text: the month without padding, then the day padded
        // with a space, exactly as the Go tool names the file.
        static string Expected(DateTime t) => string.Create(CultureInfo.InvariantCulture,
            $"layout.hostX.{t:yyyy}-{t:MMM}-x{t.Month}{(t.Day < 10 ? " " : "")}{t.Day}.log");
        var before = Expected(DateTime.Now);

        await using var tool = Start(broker, "layout", output.Path, "--sync-interval=100ms", "--datetime-format=%Y-%b-x1_2");
        await WaitForFinishedAsync(broker, "layout", tool);
        await StopAsync(tool);

        Assert.Contains(Assert.Single(output.FileNames()), new[] { before, Expected(DateTime.Now) });
    }

    [Fact]
    public async Task Messages_are_finished_only_once_synced_and_ctrl_c_syncs_them_into_complete_files()
    {
        await using var broker = await TestBroker.StartAsync();
        using var output = new TempDirectory("nsq-to-file");
        await PublishAsync(broker, "atleastonce", ["a", "b", "c"]);

        // As the Go tool: the first message opens the file and is synced with it; with the default 30s sync interval
        // and 200 in flight nothing makes the tool sync the other two before the stop.
        await using var tool = Start(broker, "atleastonce", output.Path, "--datetime-format=static");
        await Poll.UntilAsync(async () => await BrokerStats.ChannelAsync(broker, "atleastonce", "nsq_to_file") is { InFlightCount: 2, Depth: 0 },
            "the first message FINed, two delivered and not yet FINed", WaitLimit);
        Assert.Single(tool.Errors, l => l.Contains("syncing", StringComparison.Ordinal));

        await StopAsync(tool);

        // Answered before the connection closed: nothing requeued, nothing in flight.
        Assert.True(await BrokerStats.DrainedAsync(broker, "atleastonce", "nsq_to_file"));
        Assert.Equal(["atleastonce.hostX.static.log"], output.FileNames());
        Assert.Equal(["a", "b", "c"], Lines(output.File("atleastonce.hostX.static.log")));
        Assert.True(tool.Errors.Any(l => l.EndsWith("[atleastonce/nsq_to_file] syncing 2 records to disk", StringComparison.Ordinal)),
            string.Join("\n", tool.Errors));
    }

    [Theory]
    [InlineData("missing <REV> in --filename-format when gzip, rotation, or work dir enabled", "--topic=t", "--gzip", "--filename-format=<TOPIC>.log")]
    [InlineData("invalid --gzip-level value (10), should be 1-9", "--topic=t", "--gzip-level=10")]
    [InlineData("--topic or --topic-pattern required")]
    [InlineData("--lookupd-http-address must be specified when no --topic specified", "--topic-pattern=.*")]
    [InlineData("--channel is required", "--topic=t", "--channel=")]
    public async Task Bad_flags_fail_with_the_go_tools_message(string message, params string[] flags)
    {
        await using var tool = await ToolProcess.RunAsync(["nsq_to_file", "--nsqd-tcp-address=127.0.0.1:1", .. flags], timeout: WaitLimit);
        Assert.Equal(1, tool.ExitCode);
        Assert.Contains(tool.Errors, l => l.Contains(message, StringComparison.Ordinal));
    }
}
