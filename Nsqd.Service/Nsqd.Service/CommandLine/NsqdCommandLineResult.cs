using Nsqd.Core;

namespace Nsqd.Service.CommandLine;

/// <summary>What the process should do after reading its command line.</summary>
internal enum NsqdCommandLineAction
{
    /// <summary>Start the broker with <see cref="NsqdCommandLineResult.Options"/>.</summary>
    Run,

    /// <summary>Print <see cref="NsqdCommandLineResult.Output"/> (the version line) to stdout and exit 0.</summary>
    ShowVersion,

    /// <summary>Print <see cref="NsqdCommandLineResult.Output"/> (the usage text) to stdout and exit 0.</summary>
    ShowHelp,

    /// <summary>Print <see cref="NsqdCommandLineResult.Output"/> (the error) to stderr and exit with <see cref="NsqdCommandLineResult.ExitCode"/>.</summary>
    Fail,
}

/// <summary>Outcome of <see cref="NsqdCommandLine.Parse"/>: no side effects happened yet, the caller prints and exits.</summary>
internal sealed class NsqdCommandLineResult
{
    private NsqdCommandLineResult(NsqdCommandLineAction action, NsqdOptions? options, string output, int exitCode,
        IReadOnlyList<string> warnings, IReadOnlyList<string> hostArguments)
    {
        Action = action;
        Options = options;
        Output = output;
        ExitCode = exitCode;
        Warnings = warnings;
        HostArguments = hostArguments;
    }

    public NsqdCommandLineAction Action { get; }

    /// <summary>The resolved, validated options; set only for <see cref="NsqdCommandLineAction.Run"/>.</summary>
    public NsqdOptions? Options { get; }

    /// <summary>Version line, usage text or error message, by <see cref="Action"/>; empty for Run.</summary>
    public string Output { get; }

    /// <summary>0, or for <see cref="NsqdCommandLineAction.Fail"/>: 2 for a usage error (unknown flag, bad syntax),
    /// 1 for a bad value (the flag was understood but its value is not acceptable).</summary>
    public int ExitCode { get; }

    /// <summary>Things worth telling the operator that do not stop the broker (ignored flags, unknown config keys).</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>Arguments after a <c>--</c> terminator: not nsqd's, handed to the ASP.NET Core host as they are.</summary>
    public IReadOnlyList<string> HostArguments { get; }

    public static NsqdCommandLineResult Run(NsqdOptions options, IReadOnlyList<string> warnings, IReadOnlyList<string> hostArguments) =>
        new(NsqdCommandLineAction.Run, options, "", 0, warnings, hostArguments);

    public static NsqdCommandLineResult ShowVersion(string versionLine) =>
        new(NsqdCommandLineAction.ShowVersion, null, versionLine, 0, [], []);

    public static NsqdCommandLineResult ShowHelp(string usage) =>
        new(NsqdCommandLineAction.ShowHelp, null, usage, 0, [], []);

    public static NsqdCommandLineResult Fail(int exitCode, string message, IReadOnlyList<string>? warnings = null) =>
        new(NsqdCommandLineAction.Fail, null, message, exitCode, warnings ?? [], []);
}
