namespace Docs.Tests;

/// <summary>
/// Blocks marked <c>run</c> are executed as printed against an in-process broker on the docs' fixed addresses, and their
/// effect is checked: messages the test published are printed, published ones reach the broker's <c>/stats</c>.
/// </summary>
[Collection(nameof(ConsoleCollection))]
public class SnippetRunTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(15);

    public static TheoryData<string> Blocks() => DocumentedSnippets.Runnable();

    [Theory]
    [MemberData(nameof(Blocks))]
    public async Task Snippet_runs_against_a_broker(string location)
    {
        var block = DocumentedSnippets.At(location);
        var marker = block.Marker;
        var compiled = SnippetCompiler.Compile(block);
        Assert.True(compiled.Image is not null, string.Join('\n', compiled.Problems));

        await using var broker = await SnippetBroker.StartAsync();
        if (marker.Setting("publish") is { } publish)
        {
            var (topic, body) = Split(publish);
            await broker.PublishAsync(topic, body);
        }

        using (var console = new ConsoleRedirect())
        {
            var program = SnippetProgram.Start(compiled.Image, "snippet " + location);
            if (marker.Setting("prints") is { } expected)
            {
                await console.WaitForOutputAsync(expected, s_timeout, program);
            }

            console.PressEnter();
            try
            {
                await program.WaitAsync(s_timeout);
            }
            catch (TimeoutException)
            {
                Assert.Fail($"{location} did not end within {s_timeout.TotalSeconds} s after Enter; it printed:\n{console.Output}");
            }
        }

        if (marker.Setting("stats") is { } stats)
        {
            var (topic, count) = Split(stats);
            Assert.True(await broker.MessageCountAsync(topic) >= long.Parse(count, System.Globalization.CultureInfo.InvariantCulture),
                $"{location}: /stats shows fewer than {count} messages on '{topic}'");
        }
    }

    private static (string Topic, string Value) Split(string setting)
    {
        var colon = setting.IndexOf(':', StringComparison.Ordinal);
        return (setting[..colon], setting[(colon + 1)..]);
    }
}

/// <summary>Tests that redirect the process's console (and bind the docs' fixed ports) run one at a time.</summary>
[CollectionDefinition(nameof(ConsoleCollection), DisableParallelization = true)]
public sealed class ConsoleCollection;
