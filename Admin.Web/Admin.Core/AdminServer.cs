using System.Net;
using Admin.Core.Actions;
using Admin.Core.Api;
using Admin.Core.Auth;
using Admin.Core.Cluster;
using Admin.Core.Notifications;
using Admin.Core.Pages;
using Admin.Core.Proxy;
using Admin.Core.Rates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NsqAspire.Daemon.CommandLine;
using NsqAspire.Daemon.Hosting;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Transforms;

namespace Admin.Core;

/// <summary>
/// The embeddable nsqadmin: pages, JSON API, live rates and the YARP proxy to the cluster's HTTP APIs in one Kestrel
/// server. Tests start it on port 0; <c>Admin.Service</c> hosts it. The web application, its listener on
/// <see cref="AdminOptions.HttpAddress"/> and its lifecycle are a <see cref="DaemonWebHost"/>.
/// </summary>
public sealed class AdminServer : IDaemonServer
{
    /// <summary>Name of the HttpClient used for lookupd/nsqd calls (service discovery resolves <c>http://name</c> URLs).</summary>
    public const string ClusterHttpClient = "nsq-cluster";

    /// <summary>Name of the HttpClient that sends notifications.</summary>
    public const string NotificationHttpClient = "nsq-notifications";

    private readonly DaemonWebHost _host;
    private readonly DaemonListener _httpListener;

    /// <summary>Creates an admin server. <paramref name="configureBuilder"/> runs before the app is built (ServiceDefaults);
    /// <paramref name="configureApp"/> after (/health, /alive).</summary>
    public static AdminServer Create(AdminOptions options, string[]? args = null,
        Action<WebApplicationBuilder>? configureBuilder = null, Action<WebApplication>? configureApp = null)
        // appsettings.json sits beside the binary, wherever the process is started from.
        => new(options, new DaemonWebHost(args ?? [], configureBuilder, contentRootPath: AppContext.BaseDirectory), configureApp);

    private AdminServer(AdminOptions options, DaemonWebHost host, Action<WebApplication>? configureApp)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        _host = host;
        _httpListener = _host.Listen(AddressParser.Parse(options.HttpAddress, "--http-address"));
        AddServices(_host.Builder.Services, options);
        var app = _host.Build();
        // nsqadmin gzips its answers for clients that accept it; so do we (pages, API and proxied answers alike).
        app.UseResponseCompression();
        // Before every endpoint, including those configureApp maps: only the probes are exempt (see BasicAuthGate).
        if (options.RequiresSignIn) app.UseMiddleware<BasicAuthGate>();
        configureApp?.Invoke(app);
        AdminApi.Map(app);
        PageEndpoints.Map(app);
        AssetEndpoints.Map(app);
        app.MapReverseProxy(proxy =>
        {
            proxy.Use(ProxyNodeSelector.SelectAsync);
            proxy.UseLoadBalancing();
            proxy.UsePassiveHealthChecks();
        });
    }

    // RemoveAllResilienceHandlers is marked for evaluation (EXTEXP0001); it is the supported way to opt one client out.
#pragma warning disable EXTEXP0001
    private static void AddServices(IServiceCollection services, AdminOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton(TimeProvider.System);
        services.AddServiceDiscovery();
        // The cluster client's calls are made for the request being served: its Bearer token goes upstream (see
        // UpstreamCredentials).
        services.AddHttpContextAccessor();
        services.AddTransient<UpstreamAuthHandler>();
        // No retries on cluster calls: a stopped lookupd or nsqd must cost one connect timeout and a warning on the page
        // (nsqadmin's behaviour), not a page held for the standard handler's backoff; and actions must not run twice.
        services.AddHttpClient(ClusterHttpClient, c => c.Timeout = options.HttpClientRequestTimeout)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { ConnectTimeout = options.HttpClientConnectTimeout })
            .AddHttpMessageHandler<UpstreamAuthHandler>()
            .RemoveAllResilienceHandlers()
            .AddServiceDiscovery();
        services.AddHttpClient(NotificationHttpClient, c => c.Timeout = options.HttpClientRequestTimeout)
            .RemoveAllResilienceHandlers();
        services.AddSingleton(sp => new ClusterClient(sp.GetRequiredService<IHttpClientFactory>().CreateClient(ClusterHttpClient), options));
        services.AddSingleton<ClusterQueries>();
        services.AddSingleton(sp => new ChannelPolicyClient(sp.GetRequiredService<IHttpClientFactory>().CreateClient(ClusterHttpClient)));
        services.AddSingleton<RateStore>();
        services.AddSingleton(sp => new NotificationPublisher(sp.GetRequiredService<IHttpClientFactory>().CreateClient(NotificationHttpClient),
            options, sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<NotificationPublisher>>()));
        services.AddHostedService(sp => sp.GetRequiredService<NotificationPublisher>());
        services.AddSingleton<AdminActions>();
        services.AddSingleton<ProxyConfigUpdater>();
        services.AddSingleton<StatsSampler>();
        services.AddHostedService(sp => sp.GetRequiredService<StatsSampler>());
        services.AddReverseProxy()
            .LoadFromMemory(ProxyConfigFactory.Routes(options), ProxyConfigFactory.Clusters(options, []))
            .AddServiceDiscoveryDestinationResolver()
            .AddTransforms(t => t.AddRequestTransform(c =>
            {
                UpstreamCredentials.Apply(c.ProxyRequest, c.HttpContext, options);
                return ValueTask.CompletedTask;
            }));
        services.AddRazorComponents();
        services.AddResponseCompression(o => o.MimeTypes = [.. Microsoft.AspNetCore.ResponseCompression.ResponseCompressionDefaults.MimeTypes, "application/json; charset=utf-8"]);
    }
#pragma warning restore EXTEXP0001

    public AdminOptions Options { get; }

    /// <summary>The application's services.</summary>
    public IServiceProvider Services => _host.App.Services;

    /// <summary>The bound HTTP endpoint (the real port when configured with port 0), after <see cref="StartAsync"/>.</summary>
    public IPEndPoint HttpEndPoint { get; private set; } = new(IPAddress.Loopback, 0);

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await _host.StartAsync(cancellationToken).ConfigureAwait(false);
        HttpEndPoint = _httpListener.EndPoint;
    }

    public Task StopAsync(CancellationToken cancellationToken = default) => _host.StopAsync(cancellationToken);

    /// <summary>Start, serve until the host is asked to stop (SIGTERM, Ctrl+C) or <paramref name="cancellationToken"/> fires, stop.</summary>
    public Task RunAsync(CancellationToken cancellationToken = default) => _host.RunAsync(StartAsync, StopAsync, cancellationToken);

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}
