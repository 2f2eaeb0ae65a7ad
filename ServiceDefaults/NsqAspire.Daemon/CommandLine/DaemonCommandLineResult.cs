using Microsoft.Extensions.Logging;

namespace NsqAspire.Daemon.CommandLine;

/// <summary>What a daemon's command line asks for.</summary>
public enum DaemonAction
{
    /// <summary>Start the daemon with <see cref="DaemonCommandLineResult{TOptions}.Options"/>.</summary>
    Run,

    /// <summary>Print <see cref="DaemonCommandLineResult{TOptions}.Output"/> (the version line) to stdout and exit 0.</summary>
    ShowVersion,

    /// <summary>Print <see cref="DaemonCommandLineResult{TOptions}.Output"/> (the usage text) to stdout and exit 0.</summary>
    ShowHelp,

    /// <summary>Print <see cref="DaemonCommandLineResult{TOptions}.Output"/> (the error) to stderr and exit with
    /// <see cref="DaemonCommandLineResult{TOptions}.ExitCode"/>.</summary>
    Error,
}

/// <summary>Outcome of <see cref="DaemonCommandLine{TOptions}.Parse"/>: no side effects happened yet, the caller prints
/// and exits (<see cref="DaemonMain"/>).</summary>
public sealed class DaemonCommandLineResult<TOptions>
    where TOptions : class
{
    private DaemonCommandLineResult(DaemonAction action, TOptions? options, LogLevel logLevel, string output, int exitCode,
        IReadOnlyList<string> warnings, IReadOnlyList<string> hostArguments)
    {
        Action = action;
        Options = options;
        LogLevel = logLevel;
        Output = output;
        ExitCode = exitCode;
        Warnings = warnings;
        HostArguments = hostArguments;
    }

    /// <summary>What to do.</summary>
    public DaemonAction Action { get; }

    /// <summary>The resolved, validated options; set only for <see cref="DaemonAction.Run"/>.</summary>
    public TOptions? Options { get; }

    /// <summary>The host's minimum log level: what <c>--log-level</c> resolved to (Information when not given).</summary>
    public LogLevel LogLevel { get; }

    /// <summary>Version line, usage text or error message, by <see cref="Action"/>; empty for Run.</summary>
    public string Output { get; }

    /// <summary>0, or for <see cref="DaemonAction.Error"/>: 2 for a usage error (unknown flag, bad syntax), 1 for a bad
    /// value (the flag was understood but its value is not acceptable).</summary>
    public int ExitCode { get; }

    /// <summary>Things worth telling the operator that do not stop the daemon (ignored flags, unknown config keys).</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>Arguments after a <c>--</c> terminator: not the daemon's, handed to the ASP.NET Core host as they are.</summary>
    public IReadOnlyList<string> HostArguments { get; }

    internal static DaemonCommandLineResult<TOptions> Run(TOptions options, LogLevel logLevel, IReadOnlyList<string> warnings,
        IReadOnlyList<string> hostArguments) =>
        new(DaemonAction.Run, options, logLevel, "", 0, warnings, hostArguments);

    internal static DaemonCommandLineResult<TOptions> ShowVersion(string versionLine) =>
        new(DaemonAction.ShowVersion, null, LogLevel.Information, versionLine, 0, [], []);

    internal static DaemonCommandLineResult<TOptions> ShowHelp(string usage) =>
        new(DaemonAction.ShowHelp, null, LogLevel.Information, usage, 0, [], []);

    internal static DaemonCommandLineResult<TOptions> Fail(int exitCode, string message, IReadOnlyList<string>? warnings = null) =>
        new(DaemonAction.Error, null, LogLevel.Information, message, exitCode, warnings ?? [], []);
}
