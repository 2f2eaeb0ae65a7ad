using NsqAspire.Daemon.CommandLine;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Nsqd.Core.Http;
using Nsqd.Core.Infrastructure;
using Nsqd.Core.Tcp;

namespace Nsqd.Core;

/// <summary>
/// Hosting: one Kestrel server carries the TCP protocol (a connection handler), HTTP and, with TLS configured, HTTPS.
/// Every listener is bound explicitly (an explicit Listen makes Kestrel ignore ASPNETCORE_URLS — PLATFORM.md).
/// </summary>
public sealed partial class NsqdServer
{
    private readonly WebApplication _app;
    private readonly ListenOptions _tcpListen;
    private readonly ListenOptions? _httpListen;
    private readonly ListenOptions? _httpsListen;
    private bool _stopped;

    private NsqdServer(NsqdOptions options, string[] args, Action<WebApplicationBuilder>? configureBuilder, Action<WebApplication>? configureApp)
    {
        options.Validate();
        Options = options;
        // No appsettings reload watcher: it watches the content root recursively, and the default --data-path is the
        // working directory, so every disk-queue write would raise an inotify event in a watcher.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [.. args, "--hostBuilder:reloadConfigOnChange=false"] });
        configureBuilder?.Invoke(builder);
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = TimeSpan.FromSeconds(30));
        var tcp = AddressParser.Parse(options.TcpAddress, "--tcp-address");
        var http = string.IsNullOrEmpty(options.HttpAddress) ? null : AddressParser.Parse(options.HttpAddress, "--http-address");
        var https = options.TlsEnabled && !string.IsNullOrEmpty(options.HttpsAddress) ? AddressParser.Parse(options.HttpsAddress, "--https-address") : null;
        ListenOptions? tcpListen = null, httpListen = null, httpsListen = null;
        Broker? brokerRef = null;
        // A command body (MPUB, up to --max-body-size) is parsed only once it is fully buffered, so a connection's input
        // pipe must hold one whole body: the transport's 1 MiB default would stall a 5 MiB MPUB forever.
        var readBuffer = Math.Max(options.MaxBodySize, options.MaxMsgSize) + 64L * 1024;
        builder.WebHost.UseSockets(s => s.MaxReadBufferSize = readBuffer);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(tcp, lo =>
            {
                lo.UseConnectionHandler<NsqdConnectionHandler>();
                tcpListen = lo;
            });
            if (http is not null) k.Listen(http, lo => { lo.Protocols = HttpProtocols.Http1; httpListen = lo; });
            if (https is not null)
            {
                k.Listen(https, lo =>
                {
                    lo.Protocols = HttpProtocols.Http1;
                    // The same SslServerAuthenticationOptions as the TCP upgrade: certificate, --tls-min-version and the
                    // client-certificate policy. Resolved per handshake because this runs inside Build(), before brokerRef is set.
                    lo.UseHttps(new Microsoft.AspNetCore.Server.Kestrel.Https.TlsHandshakeCallbackOptions
                    {
                        OnConnection = _ => ValueTask.FromResult(brokerRef!.Tls!.ServerOptions),
                    });
                    httpsListen = lo;
                });
            }
            k.Limits.MaxRequestBodySize = Math.Max(options.MaxBodySize, options.MaxMsgSize) + 1L;
            k.Limits.MaxRequestBufferSize = readBuffer;
        });
        builder.Services.AddSingleton(sp => new Broker(options, sp.GetRequiredService<ILoggerFactory>().CreateLogger("Nsqd")));
        builder.Services.AddSingleton<NsqdConnectionHandler>();
        _app = builder.Build();
        Broker = _app.Services.GetRequiredService<Broker>();
        brokerRef = Broker;
        configureApp?.Invoke(_app);
        var api = new NsqdHttpApi(Broker);
        _app.Use(async (HttpContext ctx, RequestDelegate next) =>
        {
            // Endpoints a host mapped (ServiceDefaults' /health and /alive) win; everything else is nsqd's HTTP API.
            if (ctx.GetEndpoint() is not null) await next(ctx).ConfigureAwait(false);
            else await api.HandleAsync(ctx).ConfigureAwait(false);
        });
        // Kestrel only runs the Listen callbacks when it starts; resolve them through the server options now.
        _ = _app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<KestrelServerOptions>>().Value;
        _tcpListen = tcpListen!;
        _httpListen = httpListen;
        _httpsListen = httpsListen;
    }

    public NsqdOptions Options { get; }
    internal Broker Broker { get; }

    /// <summary>Loads metadata and disk queues, then binds the listeners.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        Broker.Start();
        await _app.StartAsync(cancellationToken).ConfigureAwait(false);
        TcpEndPoint = (IPEndPoint)_tcpListen.EndPoint;
        HttpEndPoint = _httpListen?.EndPoint as IPEndPoint;
        HttpsEndPoint = _httpsListen?.EndPoint as IPEndPoint;
        Broker.ListeningTcpPort = TcpEndPoint.Port;
        Broker.ListeningHttpPort = HttpEndPoint?.Port ?? -1;
        if (Options.BroadcastTcpPort == 0) Options.BroadcastTcpPort = TcpEndPoint.Port;
        if (Options.BroadcastHttpPort == 0 && HttpEndPoint is not null) Options.BroadcastHttpPort = HttpEndPoint.Port;
        Broker.Lookup.Start(); // after the bound ports are known: IDENTIFY carries them
        Broker.Logger.LogInformation("nsqd v{Version} TCP {Tcp} HTTP {Http} data {Data}", NsqdOptions.Version, TcpEndPoint, HttpEndPoint, Broker.Storage.DataPath);
    }

    /// <summary>Clean shutdown (spec §5.3): close connections, then write memory, in-flight and deferred messages to disk.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (_stopped) return;
        _stopped = true;
        await Broker.StopAsync().ConfigureAwait(false);
        await _app.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Start, wait for SIGTERM/Ctrl+C, stop cleanly.</summary>
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        await StartAsync(cancellationToken).ConfigureAwait(false);
        var lifetime = _app.Services.GetRequiredService<IHostApplicationLifetime>();
        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStopping.Register(() => stopping.TrySetResult()))
        using (cancellationToken.Register(() => stopping.TrySetResult()))
            await stopping.Task.ConfigureAwait(false);
        await Broker.StopAsync().ConfigureAwait(false);
        _stopped = true;
        await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
