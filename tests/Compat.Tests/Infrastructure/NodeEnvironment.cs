using Nsq.TestUtilities;

namespace Compat.Tests.Infrastructure;

/// <summary>
/// Node.js and the nsqjs package for the compatibility tests. node_modules is not committed: on a fresh clone the first
/// test installs it from package-lock.json (<c>npm ci</c>, falling back to <c>npm install</c>), once per test run.
/// </summary>
public static class NodeEnvironment
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? _ready;

    /// <summary>Returns the node folder with nsqjs installed, or fails the test with what is missing.</summary>
    public static async Task<string> EnsureAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (_ready is not null) return _ready;
            var dir = Path.Combine(RepositoryPaths.RepoRoot, "tests", "Compat.Tests", "node");
            var version = await ProcessRunner.RunAsync("node", ["--version"], dir, TimeSpan.FromSeconds(30));
            if (version is null || version.ExitCode != 0)
                Assert.Fail("Node.js is required by Compat.Tests (the nsqjs client) but `node` could not be run: install Node.js 18+ and npm (Debian: apt-get install nodejs npm).");
            if (!File.Exists(Path.Combine(dir, "node_modules", "nsqjs", "package.json")))
            {
                var ci = File.Exists(Path.Combine(dir, "package-lock.json"));
                var install = await ProcessRunner.RunAsync("npm", [ci ? "ci" : "install", "--no-audit", "--no-fund", "--loglevel=error"], dir, TimeSpan.FromMinutes(5));
                if (install is null)
                    Assert.Fail("npm is required by Compat.Tests to install nsqjs but could not be run: install npm (Debian: apt-get install npm).");
                if (install.ExitCode != 0 && ci)
                    install = await ProcessRunner.RunAsync("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], dir, TimeSpan.FromMinutes(5));
                if (install is null || install.ExitCode != 0 || !File.Exists(Path.Combine(dir, "node_modules", "nsqjs", "package.json")))
                    Assert.Fail($"npm could not install nsqjs in {dir} (exit {install?.ExitCode}, timed out: {install?.TimedOut}):\n{install?.Stdout}\n{install?.Stderr}");
            }
            _ready = dir;
            return dir;
        }
        finally
        {
            Gate.Release();
        }
    }
}
