using Nsqd.Core;
using Nsqd.Service;
using Nsqd.Service.CommandLine;

// nsqd as a process: nsqd's own command line (and --config file, appsettings, environment) -> NsqdOptions,
// then the engine with the shared ServiceDefaults (telemetry, /health, /alive). Exit codes follow nsqd:
// 0 after --version/--help, 2 for a flag usage error, 1 for a bad value or a failure to start.

var result = NsqdCommandLine.Parse(args, PreHostConfiguration.Build());

foreach (var warning in result.Warnings)
{
    await Console.Error.WriteLineAsync($"[nsqd] WARNING: {warning}").ConfigureAwait(false);
}

switch (result)
{
    case { Action: NsqdCommandLineAction.ShowVersion or NsqdCommandLineAction.ShowHelp }:
        await Console.Out.WriteLineAsync(result.Output.TrimEnd('\n')).ConfigureAwait(false);
        return 0;
    case { Action: NsqdCommandLineAction.Run, Options: { } options }:
        return await NsqdProcess.RunAsync(options, [.. result.HostArguments]).ConfigureAwait(false);
    default:
        await Console.Error.WriteLineAsync($"[nsqd] FATAL: {result.Output}").ConfigureAwait(false);
        return result.ExitCode;
}
