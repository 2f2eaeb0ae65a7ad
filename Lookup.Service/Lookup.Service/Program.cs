using NsqAspire.Daemon;
using Lookup.Core;
using Lookup.Service.CommandLine;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// nsqlookupd as a process: its command line (over appsettings "Lookup", ConnectionStrings:redis and the environment)
// -> LookupOptions, then the engine with the shared ServiceDefaults. Exit codes: see DaemonMain.

var result = LookupCommandLine.Parse(args, PreHostConfiguration.Build());
return await DaemonMain.RunAsync("nsqlookupd", result, async options =>
{
    await using var server = LookupServer.Create(options, [.. result.HostArguments],
        builder =>
        {
            builder.AddServiceDefaults();
            builder.Logging.SetMinimumLevel(result.LogLevel);
        },
        app => app.MapDefaultEndpoints());
    await server.RunAsync(CancellationToken.None).ConfigureAwait(false);
}).ConfigureAwait(false);
