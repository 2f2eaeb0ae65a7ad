using Admin.Core;
using Admin.Service.CommandLine;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// nsqadmin as a process: its command line (over appsettings "Admin" and the environment) -> AdminOptions, then the
// admin app with the shared ServiceDefaults. Exit codes: 0 after --version/--help, 2 for a flag usage error, 1 for a bad
// value or a failure to start.

var result = AdminCommandLine.Parse(args, PreHostConfiguration.Build());
switch (result)
{
    case { Action: AdminCommandLineAction.ShowVersion or AdminCommandLineAction.ShowHelp }:
        await Console.Out.WriteLineAsync(result.Output).ConfigureAwait(false);
        return 0;
    case { Action: AdminCommandLineAction.Run, Options: { } options }:
        try
        {
            await using var server = AdminServer.Create(options, [.. result.HostArguments],
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
            await Console.Error.WriteLineAsync($"[nsqadmin] FATAL: {ex.Message}").ConfigureAwait(false);
            return 1;
        }
    default:
        await Console.Error.WriteLineAsync($"[nsqadmin] FATAL: {result.Output}").ConfigureAwait(false);
        return result.ExitCode;
}
