using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace NsqAspire.Daemon.Hosting;

/// <summary>
/// The web application under each daemon's server (NsqdServer, LookupServer, AdminServer): a slim builder the host may
/// extend (ServiceDefaults), explicitly bound Kestrel listeners whose real endpoints are known once started (port 0 in
/// tests), and an idempotent start/stop/run/dispose. The server composes one and adds only its own services and
/// endpoints. Explicit listeners make Kestrel ignore ASPNETCORE_URLS (PLATFORM.md).
/// </summary>
public sealed class DaemonWebHost : IAsyncDisposable
{
    private readonly List<DaemonListener> _listeners = [];
    private WebApplication? _app;
    private bool _started;
    private bool _stopped;

    /// <summary>Creates the builder and lets <paramref name="configureBuilder"/> (the process host) add to it.</summary>
    /// <param name="args">Arguments for the ASP.NET Core host (what follows <c>--</c> on a daemon's command line).</param>
    /// <param name="configureBuilder">The process host's additions (ServiceDefaults), run first.</param>
    /// <param name="contentRootPath">Where appsettings.json is looked for; null for the working directory.</param>
    public DaemonWebHost(IReadOnlyList<string> args, Action<WebApplicationBuilder>? configureBuilder, string? contentRootPath = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        // No appsettings reload watcher: it watches the content root recursively, and nsqd's default --data-path is the
        // working directory, so every disk-queue write would raise an inotify event in a watcher.
        Builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [.. args, "--hostBuilder:reloadConfigOnChange=false"],
            ContentRootPath = contentRootPath,
        });
        configureBuilder?.Invoke(Builder);
    }

    /// <summary>The builder, until <see cref="Build"/>.</summary>
    public WebApplicationBuilder Builder { get; }

    /// <summary>The built application; <see cref="Build"/> first.</summary>
    public WebApplication App => _app ?? throw new InvalidOperationException("Build the daemon web host first.");

    /// <summary>Adds a Kestrel listener on <paramref name="endPoint"/>; its bound address is read after start.</summary>
    public DaemonListener Listen(IPEndPoint endPoint, Action<ListenOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        var listener = new DaemonListener();
        _listeners.Add(listener);
        Builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(endPoint, options =>
        {
            configure?.Invoke(options);
            listener.Options = options;
        }));
        return listener;
    }

    /// <summary>Builds the application. Kestrel runs the Listen callbacks only when its options are resolved, which
    /// would be at start; resolve them now so every <see cref="DaemonListener"/> holds its ListenOptions.</summary>
    public WebApplication Build()
    {
        if (_app is not null) throw new InvalidOperationException("The daemon web host is already built.");
        _app = Builder.Build();
        _ = _app.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value;
        return _app;
    }

    /// <summary>Binds the listeners and starts the hosted services.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await App.StartAsync(cancellationToken).ConfigureAwait(false);
        _started = true;
    }

    /// <summary>Completes when the process is asked to stop (SIGTERM, Ctrl+C) or <paramref name="cancellationToken"/> fires.</summary>
    public async Task WaitForStopRequestAsync(CancellationToken cancellationToken = default)
    {
        var lifetime = App.Services.GetRequiredService<IHostApplicationLifetime>();
        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStopping.Register(() => stopping.TrySetResult()))
        using (cancellationToken.Register(() => stopping.TrySetResult()))
            await stopping.Task.ConfigureAwait(false);
    }

    /// <summary>A server's RunAsync: <paramref name="start"/>, wait for SIGTERM/Ctrl+C (or
    /// <paramref name="cancellationToken"/>), then <paramref name="stop"/> — the server's own start and stop, which
    /// wrap this host's with what the daemon does around its listeners.</summary>
    public async Task RunAsync(Func<CancellationToken, Task> start, Func<CancellationToken, Task> stop, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(stop);
        await start(cancellationToken).ConfigureAwait(false);
        await WaitForStopRequestAsync(cancellationToken).ConfigureAwait(false);
        await stop(CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Stops the application once, if it started.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (_stopped || !_started) return;
        _stopped = true;
        await App.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops (if started) and disposes the application.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        if (_app is not null) await _app.DisposeAsync().ConfigureAwait(false);
    }
}
