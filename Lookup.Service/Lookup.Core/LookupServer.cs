using NsqAspire.Daemon.CommandLine;
using Lookup.Core.Grpc;
using System.Net;
using Lookup.Core.Http;
using Lookup.Core.Infrastructure;
using Lookup.Core.Registry;
using Lookup.Core.Tcp;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Lookup.Core;

/// <summary>
/// The embeddable nsqlookupd: TCP protocol V1 (a Kestrel connection handler), the HTTP API and, when
/// <see cref="LookupOptions.GrpcAddress"/> is set, an h2c listener for gRPC, all in one Kestrel server. Tests start it on
/// port 0; <c>Lookup.Service</c> hosts it. Every listener is bound explicitly (so ASPNETCORE_URLS is ignored).
/// </summary>
public sealed class LookupServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ListenOptions _tcpListen;
    private readonly ListenOptions _httpListen;
    private readonly ListenOptions? _grpcListen;
    private readonly LookupContext _context;
    private bool _started;
    private bool _stopped;

    /// <summary>Creates a lookup server. <paramref name="configureBuilder"/> runs before the app is built (add services:
    /// ServiceDefaults, <c>AddGrpc()</c>); <paramref name="configureApp"/> runs after (map endpoints: <c>MapGrpcService</c>,
    /// /health). Endpoints mapped there win over the nsqlookupd HTTP API. <see cref="IRegistrationStore"/>,
    /// <see cref="LookupOptions"/> are in the container.</summary>
    public static LookupServer Create(LookupOptions options, string[]? args = null,
        Action<WebApplicationBuilder>? configureBuilder = null, Action<WebApplication>? configureApp = null)
        => new(options, args ?? [], configureBuilder, configureApp);

    private LookupServer(LookupOptions options, string[] args, Action<WebApplicationBuilder>? configureBuilder, Action<WebApplication>? configureApp)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [.. args, "--hostBuilder:reloadConfigOnChange=false"] });
        configureBuilder?.Invoke(builder);
        var tcp = AddressParser.Parse(options.TcpAddress, "--tcp-address");
        var http = AddressParser.Parse(options.HttpAddress, "--http-address");
        var grpc = string.IsNullOrEmpty(options.GrpcAddress) ? null : AddressParser.Parse(options.GrpcAddress, "--grpc-address");
        ListenOptions? tcpListen = null, httpListen = null, grpcListen = null;
        // An IDENTIFY body (up to 1 MiB) is parsed once fully buffered: the input pipe must hold it whole.
        builder.WebHost.UseSockets(s => s.MaxReadBufferSize = LookupSession.MaxIdentifyBodySize + 64L * 1024);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(tcp, lo =>
            {
                lo.UseConnectionHandler<LookupConnectionHandler>();
                tcpListen = lo;
            });
            k.Listen(http, lo => { lo.Protocols = HttpProtocols.Http1; httpListen = lo; });
            if (grpc is not null) k.Listen(grpc, lo => { lo.Protocols = HttpProtocols.Http2; grpcListen = lo; });
        });
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(_ => RegistrationStoreFactory.Create(options));
        builder.Services.AddSingleton(sp => new LookupContext(options, sp.GetRequiredService<IRegistrationStore>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("Lookup"), TimeProvider.System));
        builder.Services.AddSingleton<LookupConnectionHandler>();
        // The topology stream (gRPC) is served whenever a gRPC listener is configured.
        if (grpc is not null) builder.Services.AddTopologyStream(Grpc.TopologyOptions.From(options));
        _app = builder.Build();
        _context = _app.Services.GetRequiredService<LookupContext>();
        if (grpc is not null) _app.MapTopologyStream();
        configureApp?.Invoke(_app);
        var api = new LookupHttpApi(_context);
        _app.Use(async (HttpContext ctx, RequestDelegate next) =>
        {
            // Endpoints a host mapped (gRPC services, ServiceDefaults' /health and /alive) win; the rest is nsqlookupd's API.
            if (ctx.GetEndpoint() is not null) await next(ctx).ConfigureAwait(false);
            else await api.HandleAsync(ctx).ConfigureAwait(false);
        });
        // Kestrel runs the Listen callbacks only when resolving its options; do it now to keep the ListenOptions.
        _ = _app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<KestrelServerOptions>>().Value;
        _tcpListen = tcpListen!;
        _httpListen = httpListen!;
        _grpcListen = grpcListen;
    }

    public LookupOptions Options { get; }

    /// <summary>The registration store in use (memory or Redis).</summary>
    public IRegistrationStore Store => _context.Store;

    /// <summary>The application's services (after construction).</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>The bound TCP endpoint (the real port when configured with port 0), after <see cref="StartAsync"/>.</summary>
    public IPEndPoint TcpEndPoint { get; private set; } = new(IPAddress.Loopback, 0);

    /// <summary>The bound HTTP endpoint, after <see cref="StartAsync"/>.</summary>
    public IPEndPoint HttpEndPoint { get; private set; } = new(IPAddress.Loopback, 0);

    /// <summary>The bound gRPC (h2c) endpoint, or null without <see cref="LookupOptions.GrpcAddress"/>.</summary>
    public IPEndPoint? GrpcEndPoint { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await _app.StartAsync(cancellationToken).ConfigureAwait(false);
        _started = true;
        TcpEndPoint = (IPEndPoint)_tcpListen.EndPoint;
        HttpEndPoint = (IPEndPoint)_httpListen.EndPoint;
        GrpcEndPoint = _grpcListen?.EndPoint as IPEndPoint;
        _context.TcpPort = TcpEndPoint.Port;
        _context.HttpPort = HttpEndPoint.Port;
        _context.Logger.LogInformation("nsqlookupd v{Version} TCP {Tcp} HTTP {Http} gRPC {Grpc} store {Store}", LookupOptions.Version,
            TcpEndPoint, HttpEndPoint, GrpcEndPoint?.ToString() ?? "-", _context.Store.GetType().Name);
    }

    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (_stopped || !_started) return;
        _stopped = true;
        await _app.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Start, wait for SIGTERM/Ctrl+C (or <paramref name="cancellationToken"/>), stop.</summary>
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        await StartAsync(cancellationToken).ConfigureAwait(false);
        var lifetime = _app.Services.GetRequiredService<IHostApplicationLifetime>();
        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStopping.Register(() => stopping.TrySetResult()))
        using (cancellationToken.Register(() => stopping.TrySetResult()))
            await stopping.Task.ConfigureAwait(false);
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
