using static NsqAspire.Tools.Tests.NsqToFileTestKit;

namespace NsqAspire.Tools.Tests;

/// <summary>nsq_to_file without <c>--topic</c>: the lookup's topics matching <c>--topic-pattern</c>, found at start and
/// on each refresh.</summary>
public sealed class NsqToFileDiscoveryTests
{
    [Fact]
    public async Task Topic_pattern_archives_the_matching_topics_the_lookup_lists_including_new_ones()
    {
        await using var lookup = await TestLookup.StartAsync();
        await using var broker = await TestBroker.StartRegisteredWithAsync(lookup.Server);
        using var output = new TempDirectory("nsq-to-file");
        await PublishAsync(broker, "keep_one", ["one"]);
        await PublishAsync(broker, "other", ["ignored"]);
        await Poll.UntilAsync(async () => (await lookup.GetAsync("/topics")).Body.Contains("other", StringComparison.Ordinal),
            "the topics registered with the lookup", WaitLimit);

        await using var tool = ToolProcess.Start(["nsq_to_file", $"--lookupd-http-address=127.0.0.1:{lookup.Server.HttpEndPoint.Port}",
            "--topic-pattern=^keep_", "--topic-refresh=100ms", $"--output-dir={output.Path}", "--host-identifier=hostX",
            "--datetime-format=static", "--sync-interval=100ms"]);
        await WaitForFinishedAsync(broker, "keep_one", tool);
        // A topic created while the tool runs is picked up on a refresh.
        await PublishAsync(broker, "keep_two", ["two"]);
        await WaitForFinishedAsync(broker, "keep_two", tool);
        await StopAsync(tool);

        Assert.Equal(["keep_one.hostX.static.log", "keep_two.hostX.static.log"], output.FileNames());
        Assert.Equal(["one"], Lines(output.File("keep_one.hostX.static.log")));
        Assert.Equal(["two"], Lines(output.File("keep_two.hostX.static.log")));
        Assert.Contains(tool.Errors, l => l.EndsWith("WARNING: skipping topic other (doesn't match pattern ^keep_)", StringComparison.Ordinal));
    }
}
