using NsqAspire.Daemon;
using Admin.Core;
using Admin.Service.CommandLine;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// nsqadmin as a process: its command line (over appsettings "Admin" and the environment) -> AdminOptions, then the
// admin app with the shared ServiceDefaults. Exit codes: see DaemonMain.

var result = AdminCommandLine.Parse(args, PreHostConfiguration.Build());
return await DaemonMain.RunAsync("nsqadmin", result, async options =>
{
    await using var server = AdminServer.Create(options, [.. result.HostArguments],
        builder =>
        {
            builder.AddServiceDefaults();
            builder.Logging.SetMinimumLevel(result.LogLevel);
        },
        app => app.MapDefaultEndpoints());
    await server.RunAsync(CancellationToken.None).ConfigureAwait(false);
}).ConfigureAwait(false);
