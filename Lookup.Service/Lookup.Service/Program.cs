using Lookup.Core;
using Lookup.Service;
using Lookup.Service.CommandLine;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// nsqlookupd as a process: its command line (over appsettings "Lookup", ConnectionStrings:redis and the environment)
// -> LookupOptions, then the engine with the shared ServiceDefaults. Exit codes: 0 after --version/--help, 2 for a
// flag usage error, 1 for a bad value or a failure to start.

var result = LookupCommandLine.Parse(args, PreHostConfiguration.Build());
switch (result)
{
    case { Action: LookupCommandLineAction.ShowVersion or LookupCommandLineAction.ShowHelp }:
        await Console.Out.WriteLineAsync(result.Output).ConfigureAwait(false);
        return 0;
    case { Action: LookupCommandLineAction.Run, Options: { } options }:
        try
        {
            await using var server = LookupServer.Create(options, [.. result.HostArguments],
                builder =>
                {
                    builder.AddServiceDefaults();
                    builder.Logging.SetMinimumLevel(result.LogLevel);
                },
                app => app.MapDefaultEndpoints());
            await server.RunAsync(CancellationToken.None).ConfigureAwait(false);
            return 0;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await Console.Error.WriteLineAsync($"[nsqlookupd] FATAL: {ex.Message}").ConfigureAwait(false);
            return 1;
        }
    default:
        await Console.Error.WriteLineAsync($"[nsqlookupd] FATAL: {result.Output}").ConfigureAwait(false);
        return result.ExitCode;
}
