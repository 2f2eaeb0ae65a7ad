using System.Runtime.InteropServices;
using NsqAspire.Tools.Commands.Bench;
using NsqAspire.Tools.Commands.Stat;
using NsqAspire.Tools.Commands.Tail;
using NsqAspire.Tools.Commands.ToFile;
using NsqAspire.Tools.Commands.ToHttp;
using NsqAspire.Tools.Commands.ToNsq;

namespace NsqAspire.Tools;

/// <summary>
/// <c>nsq &lt;tool&gt; [flags]</c>: picks the subcommand by its Go name or alias and runs it until it ends or the first
/// Ctrl+C / SIGTERM asks it to stop (a second one, a second or more later, ends the process at once, as the runtime would).
/// </summary>
internal static class NsqTool
{
    /// <summary>Every subcommand, in the order <c>nsq --help</c> lists them.</summary>
    public static IReadOnlyList<ToolCommand> Commands { get; } =
    [
        NsqTailCommand.Definition,
        ToNsqCommand.Definition,
        NsqStatCommand.Definition,
        NsqToFileCommand.Definition,
        NsqToHttpCommand.Definition,
        NsqToNsqCommand.Definition,
        BenchCommands.Writer,
        BenchCommands.Reader,
        BenchCommands.Both,
    ];

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "-help" or "--help" or "help" && args.Length == 1)
        {
            await Console.Out.WriteAsync(Usage()).ConfigureAwait(false);
            return args.Length == 0 ? 2 : 0;
        }
        if (args[0] is "-version" or "--version")
        {
            await Console.Out.WriteLineAsync($"nsq v{ToolVersion.Nsq} (built w/dotnet)").ConfigureAwait(false);
            return 0;
        }
        // "nsq help nsq_tail" is "nsq nsq_tail --help".
        if (args[0] == "help") args = [args[1], "--help"];

        var command = Find(args[0]);
        if (command is null)
        {
            await Console.Error.WriteAsync($"nsq: unknown tool \"{args[0]}\"\n\n{Usage()}").ConfigureAwait(false);
            return 2;
        }

        using var stop = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => RequestStop(context, stop));
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => RequestStop(context, stop));
        return await command.RunAsync(args[1..], stop.Token).ConfigureAwait(false);
    }

    /// <summary>When the first stop signal arrived (Stopwatch ticks; 0 = none yet).</summary>
    private static long _firstSignal;

    /// <summary>
    /// The first signal stops gracefully; a second one is left to the runtime (the process ends) — unless it follows
    /// within a second: <c>timeout -s INT</c> delivers its signal twice (to the child, then to its whole process group).
    /// </summary>
    private static void RequestStop(PosixSignalContext context, CancellationTokenSource stop)
    {
        var first = Interlocked.CompareExchange(ref _firstSignal, System.Diagnostics.Stopwatch.GetTimestamp(), 0);
        if (first != 0 && System.Diagnostics.Stopwatch.GetElapsedTime(first) > TimeSpan.FromSeconds(1)) return;
        context.Cancel = true;
        stop.Cancel();
    }

    public static ToolCommand? Find(string name)
    {
        foreach (var command in Commands)
            if (command.Name == name || command.Alias == name) return command;
        return null;
    }

    private static string Usage()
    {
        var text = new System.Text.StringBuilder("Usage: nsq <tool> [flags]   (nsq <tool> --help for its flags)\n\nTools:\n");
        foreach (var command in Commands)
            text.Append("  ").Append(command.Name.PadRight(14)).Append(command.Alias.PadRight(9)).Append(command.Summary).Append('\n');
        return text.ToString();
    }
}
