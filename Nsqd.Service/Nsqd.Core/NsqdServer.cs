using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NsqAspire.Daemon.CommandLine;
using NsqAspire.Daemon.Hosting;
using Nsqd.Core.Http;
using Nsqd.Core.Tcp;

namespace Nsqd.Core;

/// <summary>
/// The embeddable broker: TCP protocol V2, HTTP API and storage in one object that tests start on port 0 and
/// <c>Nsqd.Service</c> hosts. One Kestrel server (a <see cref="DaemonWebHost"/>) carries the TCP protocol (a connection
/// handler), HTTP and, with TLS configured, HTTPS; the broker state lives in <see cref="Broker"/>.
/// </summary>
public sealed class NsqdServer : IDaemonServer
{
    private readonly DaemonWebHost _host;
    private readonly DaemonListener _tcpListener;
    private readonly DaemonListener? _httpListener;
    private readonly DaemonListener? _httpsListener;
    private bool _stopped;

    /// <summary>Creates a broker. <paramref name="configureBuilder"/> and <paramref name="configureApp"/> let a host add
    /// cross-cutting services (ServiceDefaults: telemetry, /health, /alive) to the same web application.</summary>
    public static NsqdServer Create(NsqdOptions options, string[]? args = null,
        Action<WebApplicationBuilder>? configureBuilder = null, Action<WebApplication>? configureApp = null)
        => new(options, args ?? [], configureBuilder, configureApp);

    private NsqdServer(NsqdOptions options, string[] args, Action<WebApplicationBuilder>? configureBuilder, Action<WebApplication>? configureApp)
    {
        options.Validate();
        Options = options;
        _host = new DaemonWebHost(args, configureBuilder);
        var builder = _host.Builder;
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = TimeSpan.FromSeconds(30));
        var tcp = AddressParser.Parse(options.TcpAddress, "--tcp-address");
        var http = string.IsNullOrEmpty(options.HttpAddress) ? null : AddressParser.Parse(options.HttpAddress, "--http-address");
        var https = options.TlsEnabled && !string.IsNullOrEmpty(options.HttpsAddress) ? AddressParser.Parse(options.HttpsAddress, "--https-address") : null;
        Broker? brokerRef = null;
        // A command body (MPUB, up to --max-body-size) is parsed only once it is fully buffered, so a connection's input
        // pipe must hold one whole body: the transport's 1 MiB default would stall a 5 MiB MPUB forever.
        var readBuffer = Math.Max(options.MaxBodySize, options.MaxMsgSize) + 64L * 1024;
        builder.WebHost.UseSockets(s => s.MaxReadBufferSize = readBuffer);
        _tcpListener = _host.Listen(tcp, lo => lo.UseConnectionHandler<NsqdConnectionHandler>());
        if (http is not null) _httpListener = _host.Listen(http, lo => lo.Protocols = HttpProtocols.Http1);
        if (https is not null)
        {
            _httpsListener = _host.Listen(https, lo =>
            {
                lo.Protocols = HttpProtocols.Http1;
                // The same SslServerAuthenticationOptions as the TCP upgrade: certificate, --tls-min-version and the
                // client-certificate policy. Resolved per handshake because this runs inside Build(), before brokerRef is set.
                lo.UseHttps(new Microsoft.AspNetCore.Server.Kestrel.Https.TlsHandshakeCallbackOptions
                {
                    OnConnection = _ => ValueTask.FromResult(brokerRef!.Tls!.ServerOptions),
                });
            });
        }
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = Math.Max(options.MaxBodySize, options.MaxMsgSize) + 1L;
            k.Limits.MaxRequestBufferSize = readBuffer;
        });
        builder.Services.AddSingleton(sp => new Broker(options, sp.GetRequiredService<ILoggerFactory>().CreateLogger("Nsqd")));
        builder.Services.AddSingleton<NsqdConnectionHandler>();
        var app = _host.Build();
        Broker = app.Services.GetRequiredService<Broker>();
        brokerRef = Broker;
        configureApp?.Invoke(app);
        app.UseDaemonApi(new NsqdHttpApi(Broker).HandleAsync);
    }

    public NsqdOptions Options { get; }
    internal Broker Broker { get; }

    /// <summary>The bound TCP endpoint (the real port when configured with port 0).</summary>
    public IPEndPoint TcpEndPoint { get; private set; } = new(IPAddress.Loopback, 0);
    /// <summary>The bound HTTP endpoint, or null when HTTP is disabled.</summary>
    public IPEndPoint? HttpEndPoint { get; private set; }
    /// <summary>The bound HTTPS endpoint, or null when TLS is not configured.</summary>
    public IPEndPoint? HttpsEndPoint { get; private set; }

    /// <summary>Loads metadata and disk queues, then binds the listeners.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        Broker.Start();
        await _host.StartAsync(cancellationToken).ConfigureAwait(false);
        TcpEndPoint = _tcpListener.EndPoint;
        HttpEndPoint = _httpListener?.EndPoint;
        HttpsEndPoint = _httpsListener?.EndPoint;
        Broker.ListeningTcpPort = TcpEndPoint.Port;
        Broker.ListeningHttpPort = HttpEndPoint?.Port ?? -1;
        if (Options.BroadcastTcpPort == 0) Options.BroadcastTcpPort = TcpEndPoint.Port;
        if (Options.BroadcastHttpPort == 0 && HttpEndPoint is not null) Options.BroadcastHttpPort = HttpEndPoint.Port;
        Broker.Lookup.Start(); // after the bound ports are known: IDENTIFY carries them
        Broker.Logger.LogInformation("nsqd v{Version} TCP {Tcp} HTTP {Http} data {Data}", NsqdOptions.Version, TcpEndPoint, HttpEndPoint, Broker.Storage.DataPath);
    }

    /// <summary>Clean shutdown (spec §5.3): close connections, then write memory, in-flight and deferred messages to disk.
    /// The broker stops even when the listeners never started (a port in use): it holds the data-path lock.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (_stopped) return;
        _stopped = true;
        await Broker.StopAsync().ConfigureAwait(false);
        await _host.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Start, wait for SIGTERM/Ctrl+C (or <paramref name="cancellationToken"/>), stop cleanly.</summary>
    public Task RunAsync(CancellationToken cancellationToken = default) => _host.RunAsync(StartAsync, StopAsync, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await _host.DisposeAsync().ConfigureAwait(false);
    }
}
