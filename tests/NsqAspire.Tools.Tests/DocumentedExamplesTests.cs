using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace NsqAspire.Tools.Tests;

/// <summary>
/// Runs every shell block of docs/tools.md marked <c>&lt;!-- tool-example [prints="a|b"] --&gt;</c>, in document order,
/// with bash (<c>set -euo pipefail</c>) and <c>nsq</c> on the PATH (the built tool), against one broker on the ports
/// the docs name (127.0.0.1:4150/4151): each must exit 0 and print every <c>prints</c> part.
/// </summary>
public sealed partial class DocumentedExamplesTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [GeneratedRegex("""<!-- tool-example(?: prints="(?<prints>[^"]*)")? -->\s*```bash\n(?<script>.*?)```""", RegexOptions.Singleline)]
    private static partial Regex Example();

    [Fact]
    public async Task Every_example_in_docs_tools_md_runs_as_shown()
    {
        var markdown = await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.RepoRoot, "docs", "tools.md"));
        var examples = Example().Matches(markdown);
        Assert.True(examples.Count >= 5, $"docs/tools.md has {examples.Count} tool examples");

        using var work = new TempDirectory("tool-docs");
        var shim = Path.Combine(work.Path, "bin", "nsq");
        Directory.CreateDirectory(Path.GetDirectoryName(shim)!);
        await File.WriteAllTextAsync(shim, $"#!/bin/sh\nexec dotnet \"{ToolProcess.ToolDll}\" \"$@\"\n");
        // The examples are bash: this test is for Linux and macOS, like the rest of the tool's process tests.
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(shim, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        await using var broker = await TestBroker.StartAsync(o =>
        {
            o.TcpAddress = "127.0.0.1:4150";
            o.HttpAddress = "127.0.0.1:4151";
        });
        foreach (Match example in examples)
        {
            var script = example.Groups["script"].Value;
            var (exit, output) = await RunBashAsync(script, work.Path, Path.GetDirectoryName(shim)!);
            Assert.True(exit == 0, $"exit {exit} from:\n{script}\noutput:\n{output}");
            foreach (var part in example.Groups["prints"].Value.Split('|', StringSplitOptions.RemoveEmptyEntries))
                Assert.True(output.Contains(part, StringComparison.Ordinal), $"'{part}' not printed by:\n{script}\noutput:\n{output}");
        }
    }

    private static async Task<(int Exit, string Output)> RunBashAsync(string script, string workingDirectory, string binDirectory)
    {
        var psi = new ProcessStartInfo("bash", ["-c", "set -euo pipefail\n" + script])
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.Environment["PATH"] = binDirectory + ":" + Environment.GetEnvironmentVariable("PATH");
        using var bash = Process.Start(psi) ?? throw new InvalidOperationException("could not start bash");
        var output = new StringBuilder();
        var stdout = bash.StandardOutput.ReadToEndAsync();
        var stderr = bash.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(Timeout);
        try
        {
            await bash.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            bash.Kill(entireProcessTree: true);
            Assert.Fail($"did not finish within {Timeout}:\n{script}");
        }
        output.Append(await stdout).Append(await stderr);
        return (bash.ExitCode, output.ToString());
    }
}
