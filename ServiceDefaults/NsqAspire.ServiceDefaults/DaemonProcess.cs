using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using NsqAspire.Daemon;
using NsqAspire.Daemon.CommandLine;
using NsqAspire.Daemon.Hosting;

namespace Microsoft.Extensions.Hosting;

/// <summary>Creates a daemon's server with the given options, host arguments and the host's additions.</summary>
public delegate TServer DaemonServerFactory<in TOptions, out TServer>(TOptions options, string[] hostArguments,
    Action<WebApplicationBuilder> configureBuilder, Action<WebApplication> configureApp);

/// <summary>
/// The whole <c>Program</c> of nsqd, nsqlookupd and nsqadmin: the command line over the pre-host configuration
/// (appsettings, environment), then the server with the shared ServiceDefaults (telemetry, /health, /alive) until
/// SIGTERM/Ctrl+C, with Go's exit codes (<see cref="DaemonMain"/>).
/// </summary>
public static class DaemonProcess
{
    /// <summary>Parses <paramref name="args"/> with <paramref name="commandLine"/> and runs the server
    /// <paramref name="create"/> makes (<c>NsqdServer.Create</c>, ...); returns the exit code.</summary>
    public static Task<int> RunAsync<TOptions, TServer>(DaemonCommandLine<TOptions> commandLine, string[] args,
        DaemonServerFactory<TOptions, TServer> create)
        where TOptions : class
        where TServer : IDaemonServer
    {
        ArgumentNullException.ThrowIfNull(commandLine);
        ArgumentNullException.ThrowIfNull(create);
        var result = commandLine.Parse(args, PreHostConfiguration.Build());
        return DaemonMain.RunAsync(commandLine.Daemon, result, async options =>
        {
            await using var server = create(options, [.. result.HostArguments],
                builder =>
                {
                    builder.AddServiceDefaults();
                    builder.Logging.SetMinimumLevel(result.LogLevel);
                },
                app => app.MapDefaultEndpoints());
            await server.RunAsync(CancellationToken.None).ConfigureAwait(false);
        });
    }
}
