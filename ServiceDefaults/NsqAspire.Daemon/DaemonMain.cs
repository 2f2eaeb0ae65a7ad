using Microsoft.Extensions.Logging;

namespace NsqAspire.Daemon;

/// <summary>What a daemon's command line asks for.</summary>
public enum DaemonAction
{
    /// <summary>Start the daemon with the options.</summary>
    Run,

    /// <summary>Print the version line (<c>--version</c>).</summary>
    ShowVersion,

    /// <summary>Print the usage (<c>-h</c>, <c>--help</c>).</summary>
    ShowHelp,

    /// <summary>Print the error and exit with the exit code.</summary>
    Error,
}

/// <summary>A parsed daemon command line: the action, the options to run with, the log level, what to print, the
/// exit code, and the arguments after <c>--</c> for the web host.</summary>
public sealed record DaemonCommandLineResult<TOptions>(DaemonAction Action, TOptions? Options, LogLevel LogLevel,
    string Output, int ExitCode, IReadOnlyList<string> HostArguments)
    where TOptions : class;

/// <summary>
/// The <c>Main</c> of nsqlookupd and nsqadmin: act on the parsed command line with Go's exit codes — 0 after
/// <c>--version</c>/<c>--help</c> or a clean stop, 2 for a flag usage error, 1 for a bad value or a failure to start.
/// </summary>
public static class DaemonMain
{
    /// <summary>Prints or runs what <paramref name="result"/> says; <paramref name="run"/> starts the daemon and
    /// returns when it has stopped.</summary>
    public static async Task<int> RunAsync<TOptions>(string daemon, DaemonCommandLineResult<TOptions> result, Func<TOptions, Task> run)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(run);
        switch (result)
        {
            case { Action: DaemonAction.ShowVersion or DaemonAction.ShowHelp }:
                await Console.Out.WriteLineAsync(result.Output).ConfigureAwait(false);
                return 0;
            case { Action: DaemonAction.Run, Options: { } options }:
                try
                {
                    await run(options).ConfigureAwait(false);
                    return 0;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    await Console.Error.WriteLineAsync($"[{daemon}] FATAL: {ex.Message}").ConfigureAwait(false);
                    return 1;
                }
            default:
                await Console.Error.WriteLineAsync($"[{daemon}] FATAL: {result.Output}").ConfigureAwait(false);
                return result.ExitCode;
        }
    }
}
