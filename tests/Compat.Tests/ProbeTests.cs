using Compat.Tests.Infrastructure;

namespace Compat.Tests;

/// <summary>
/// shared/tools/nsq-probe.py against the broker, masked like nsq-probe-diff.sh, compared with real nsqd 1.3's frames
/// (nsq-probe.expected.txt) line by line.
/// </summary>
public class ProbeTests
{
    [Fact]
    public async Task Probe_frames_match_nsqd_1_3()
    {
        // shared/ is a sibling of the repository (../shared from the root).
        var tools = Path.GetFullPath(Path.Combine(RepositoryPaths.RepoRoot, "..", "shared", "tools"));
        var probe = Path.Combine(tools, "nsq-probe.py");
        var expectedPath = Path.Combine(tools, "nsq-probe.expected.txt");
        Assert.True(File.Exists(probe), $"{probe} not found (shared/ is expected beside the repository)");
        Assert.True(File.Exists(expectedPath), $"{expectedPath} not found");

        await using var broker = await TestBroker.StartAsync();
        await using (var pub = await broker.ConnectAsync())
            await pub.PublishAsync("test", "hello");

        var output = new System.Text.StringBuilder();
        foreach (var mode in new[] { "main", "errors", "badmagic" })
        {
            var r = await ProcessRunner.RunAsync("python3", [probe, broker.Tcp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), mode], tools, TimeSpan.FromMinutes(2));
            Assert.True(r is not null, "python3 is required by the probe test but could not be run: install python3 (Debian: apt-get install python3).");
            Assert.False(r.TimedOut, $"nsq-probe.py {mode} timed out\n{r.Stdout}{r.Stderr}");
            output.Append(r.Stdout).Append(r.Stderr);
        }

        var actual = ProbeDiff.Mask(output.ToString());
        var expected = ProbeDiff.Mask(await File.ReadAllTextAsync(expectedPath));
        if (!expected.SequenceEqual(actual))
            Assert.Fail("probe differs from nsqd 1.3 (- expected, + actual):\n" + ProbeDiff.Diff(expected, actual));
    }

    [Fact]
    public void Masking_matches_the_sed_expressions_of_nsq_probe_diff()
    {
        Assert.Equal("RDY-> -> MSG ts=T attempts=1 id=ID body=b'hello'",
            ProbeDiff.MaskLine("RDY-> -> MSG ts=1795556699379585241 attempts=1 id=b'18a741f78e669000' body=b'hello'"));
        Assert.Equal("FIN twice -> frame 1 b'E_FIN_FAILED FIN ID failed ID not in flight'",
            ProbeDiff.MaskLine("FIN twice -> frame 1 b'E_FIN_FAILED FIN 18a741f78e669000 failed ID not in flight'"));
        Assert.Equal("  after Ns", ProbeDiff.MaskLine("  after 1.01s"));
        Assert.Equal("  conn after: closed", ProbeDiff.MaskLine("  conn after: ConnectionResetError"));
        Assert.Equal("  conn after: closed", ProbeDiff.MaskLine("  conn after: BrokenPipeError"));
        Assert.Equal("x {\"version\":\"V\",\"hostname\":\"H\"}", ProbeDiff.MaskLine("x {\"version\":\"1.3.0\",\"hostname\":\"abc\"}"));
        Assert.Equal("-   2: b\n+   2: c\n", ProbeDiff.Diff(["a", "b"], ["a", "c"]));
    }
}
