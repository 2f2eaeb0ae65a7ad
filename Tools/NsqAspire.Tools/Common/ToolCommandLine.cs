using Microsoft.Extensions.Configuration;
using NsqAspire.Daemon;
using NsqAspire.Daemon.CommandLine;

namespace NsqAspire.Tools.Common;

/// <summary>
/// A tool's command line on the daemons' flag machinery: the Go tool's flags (<c>-flag=value</c>, <c>--flag value</c>,
/// repeatable lists, Go durations), <c>--config</c> TOML with the same keys, <c>--version</c>, <c>--help</c>, and Go's
/// exit codes (2 for a usage error, 1 for a bad value or a failure).
/// </summary>
internal static class ToolCommandLine
{
    private static readonly IConfiguration NoSettings = new ConfigurationBuilder().Build();

    /// <summary>The command line of <c>nsq <paramref name="tool"/></c>.</summary>
    public static DaemonCommandLine<TOptions> Create<TOptions>(string tool, IEnumerable<DaemonFlag<TOptions>> flags,
        Func<TOptions> createOptions, Action<TOptions> validate, string boolFlagExample = "version")
        where TOptions : class =>
        new(tool, ToolVersion.Nsq,
            [.. flags, DaemonCommandLine<TOptions>.ConfigFlag(), DaemonCommandLine<TOptions>.VersionFlag()],
            createOptions, validate, bindSettings: null, boolFlagExample, invocation: "nsq " + tool, takesHostArguments: false);

    /// <summary>Parses <paramref name="args"/> and runs the tool; the exit code is <paramref name="run"/>'s, or Go's
    /// for help, version and bad flags. A stop requested with Ctrl+C that surfaces as cancellation is a clean exit.</summary>
    public static Task<int> RunAsync<TOptions>(DaemonCommandLine<TOptions> commandLine, string[] args, CancellationToken stop,
        Func<TOptions, CancellationToken, Task<int>> run)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(commandLine);
        ArgumentNullException.ThrowIfNull(run);
        return DaemonMain.RunAsync(commandLine.Daemon, commandLine.Parse(args, NoSettings), async options =>
        {
            try
            {
                return await run(options, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return 0;
            }
        });
    }
}
