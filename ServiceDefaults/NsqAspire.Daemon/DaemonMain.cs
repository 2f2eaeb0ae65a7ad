using NsqAspire.Daemon.CommandLine;

namespace NsqAspire.Daemon;

/// <summary>
/// The <c>Main</c> of every daemon: act on the parsed command line with Go's exit codes — 0 after
/// <c>--version</c>/<c>--help</c> or a clean stop, 2 for a flag usage error, 1 for a bad value or a failure to start
/// (a port in use, a locked data path: one FATAL line instead of an unhandled-exception dump).
/// </summary>
public static class DaemonMain
{
    /// <summary>Prints or runs what <paramref name="result"/> says; <paramref name="run"/> starts the daemon and
    /// returns when it has stopped.</summary>
    public static Task<int> RunAsync<TOptions>(string daemon, DaemonCommandLineResult<TOptions> result, Func<TOptions, Task> run)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(run);
        return RunAsync(daemon, result, async options =>
        {
            await run(options).ConfigureAwait(false);
            return 0;
        });
    }

    /// <summary>As above for a program that decides its own exit code (the operator tools: <paramref name="run"/>
    /// returns it).</summary>
    public static async Task<int> RunAsync<TOptions>(string daemon, DaemonCommandLineResult<TOptions> result, Func<TOptions, Task<int>> run)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(run);
        foreach (var warning in result.Warnings)
        {
            await Console.Error.WriteLineAsync($"[{daemon}] WARNING: {warning}").ConfigureAwait(false);
        }
        switch (result)
        {
            case { Action: DaemonAction.ShowVersion or DaemonAction.ShowHelp }:
                await Console.Out.WriteLineAsync(result.Output.TrimEnd('\n')).ConfigureAwait(false);
                return 0;
            case { Action: DaemonAction.Run, Options: { } options }:
                try
                {
                    return await run(options).ConfigureAwait(false);
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
