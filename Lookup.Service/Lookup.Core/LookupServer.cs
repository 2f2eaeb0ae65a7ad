using System.Net;
using Lookup.Core.Grpc;
using Lookup.Core.Http;
using Lookup.Core.Infrastructure;
using Lookup.Core.Registry;
using Lookup.Core.Tcp;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NsqAspire.Daemon.Auth;
using NsqAspire.Daemon.CommandLine;
using NsqAspire.Daemon.Hosting;

namespace Lookup.Core;

/// <summary>
/// The embeddable nsqlookupd: TCP protocol V1 (a Kestrel connection handler), the HTTP API and, when
/// <see cref="LookupOptions.GrpcAddress"/> is set, an h2c listener for gRPC, all in one Kestrel server. Tests start it on
/// port 0; <c>Lookup.Service</c> hosts it. The web application, its listeners and lifecycle are a <see cref="DaemonWebHost"/>.
/// </summary>
public sealed class LookupServer : IDaemonServer
{
    private readonly DaemonWebHost _host;
    private readonly DaemonListener _tcpListener;
    private readonly DaemonListener _httpListener;
    private readonly DaemonListener? _grpcListener;
    private readonly LookupContext _context;
    private readonly AuthServerClient _authServer;

    /// <summary>Creates a lookup server. <paramref name="configureBuilder"/> runs before the app is built (add services:
    /// ServiceDefaults, <c>AddGrpc()</c>); <paramref name="configureApp"/> runs after (map endpoints: <c>MapGrpcService</c>,
    /// /health). Endpoints mapped there win over the nsqlookupd HTTP API. <see cref="IRegistrationStore"/>,
    /// <see cref="LookupOptions"/> are in the container.</summary>
    public static LookupServer Create(LookupOptions options, string[]? args = null,
        Action<WebApplicationBuilder>? configureBuilder = null, Action<WebApplication>? configureApp = null)
        => new(options, new DaemonWebHost(args ?? [], configureBuilder), configureApp);

    private LookupServer(LookupOptions options, DaemonWebHost host, Action<WebApplication>? configureApp)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        _host = host;
        var builder = _host.Builder;
        var tcp = AddressParser.Parse(options.TcpAddress, "--tcp-address");
        var http = AddressParser.Parse(options.HttpAddress, "--http-address");
        var grpc = string.IsNullOrEmpty(options.GrpcAddress) ? null : AddressParser.Parse(options.GrpcAddress, "--grpc-address");
        // An IDENTIFY body (up to 1 MiB) is parsed once fully buffered: the input pipe must hold it whole.
        builder.WebHost.UseSockets(s => s.MaxReadBufferSize = LookupSession.MaxIdentifyBodySize + 64L * 1024);
        _tcpListener = _host.Listen(tcp, lo => lo.UseConnectionHandler<LookupConnectionHandler>());
        _httpListener = _host.Listen(http, lo => lo.Protocols = HttpProtocols.Http1);
        if (grpc is not null) _grpcListener = _host.Listen(grpc, lo => lo.Protocols = HttpProtocols.Http2);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(_ => RegistrationStoreFactory.Create(options));
        builder.Services.AddSingleton(sp => new LookupContext(options, sp.GetRequiredService<IRegistrationStore>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("Lookup"), TimeProvider.System));
        builder.Services.AddSingleton<LookupConnectionHandler>();
        // The topology stream (gRPC) is served whenever a gRPC listener is configured.
        if (grpc is not null) builder.Services.AddTopologyStream(Grpc.TopologyOptions.From(options));
        var app = _host.Build();
        _context = app.Services.GetRequiredService<LookupContext>();
        if (grpc is not null) app.MapTopologyStream();
        configureApp?.Invoke(app);
        _authServer = new AuthServerClient(new AuthServerSettings(options.AuthHttpAddresses, options.AuthHttpRequestMethod,
            AuthServerSettings.DefaultConnectTimeout, AuthServerSettings.DefaultRequestTimeout));
        app.UseDaemonApi(new LookupHttpApi(_context, _authServer).HandleAsync);
    }

    public LookupOptions Options { get; }

    /// <summary>The registration store in use (memory or Redis).</summary>
    public IRegistrationStore Store => _context.Store;

    /// <summary>The application's services (after construction).</summary>
    public IServiceProvider Services => _host.App.Services;

    /// <summary>The bound TCP endpoint (the real port when configured with port 0), after <see cref="StartAsync"/>.</summary>
    public IPEndPoint TcpEndPoint { get; private set; } = new(IPAddress.Loopback, 0);

    /// <summary>The bound HTTP endpoint, after <see cref="StartAsync"/>.</summary>
    public IPEndPoint HttpEndPoint { get; private set; } = new(IPAddress.Loopback, 0);

    /// <summary>The bound gRPC (h2c) endpoint, or null without <see cref="LookupOptions.GrpcAddress"/>.</summary>
    public IPEndPoint? GrpcEndPoint { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await _host.StartAsync(cancellationToken).ConfigureAwait(false);
        TcpEndPoint = _tcpListener.EndPoint;
        HttpEndPoint = _httpListener.EndPoint;
        GrpcEndPoint = _grpcListener?.EndPoint;
        _context.TcpPort = TcpEndPoint.Port;
        _context.HttpPort = HttpEndPoint.Port;
        _context.Logger.LogInformation("nsqlookupd v{Version} TCP {Tcp} HTTP {Http} gRPC {Grpc} store {Store}", LookupOptions.Version,
            TcpEndPoint, HttpEndPoint, GrpcEndPoint?.ToString() ?? "-", _context.Store.GetType().Name);
    }

    public Task StopAsync(CancellationToken cancellationToken = default) => _host.StopAsync(cancellationToken);

    /// <summary>Start, wait for SIGTERM/Ctrl+C (or <paramref name="cancellationToken"/>), stop.</summary>
    public Task RunAsync(CancellationToken cancellationToken = default) => _host.RunAsync(StartAsync, StopAsync, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync().ConfigureAwait(false);
        _authServer.Dispose();
    }
}
