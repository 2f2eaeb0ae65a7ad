using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting;

/// <summary>
/// How NSQ nodes are modelled. nsqd: one named project resource per node (nsqd0, nsqd1, ...) rather than
/// <c>WithReplicas</c>, because each nsqd must be individually addressable: it advertises its own TCP port to
/// nsqlookupd and consumers connect to that exact port. Hence non-proxied endpoints whose ports are handed to
/// the broker as nsqd flags. nsqlookupd: the same shape (named replicas nsqlookupd0, nsqlookupd1, ...), because each
/// broker connects to every lookup's TCP port; the replicas share their registrations through Redis.
/// </summary>
public static class NsqResourceBuilderExtensions
{
    /// <summary>Endpoint name of the NSQ TCP protocol (producers and consumers).</summary>
    public const string TcpEndpointName = "tcp";

    /// <summary>Endpoint name of the nsqd HTTP API, also serving /health and /alive.</summary>
    public const string HttpEndpointName = "http";

    /// <summary>Endpoint name of the nsqlookupd gRPC (h2c) topology stream.</summary>
    public const string GrpcEndpointName = "grpc";

    /// <summary>Configuration key overriding where nodes keep their data (default: the AppHost's obj/nsq-data).
    /// Test runs point it at a temporary folder so parallel runs never share a locked data path.</summary>
    public const string DataRootKey = "Nsq:DataRoot";

    /// <summary>Adds one nsqd node listening on loopback, with its own data folder, healthy once /health answers.</summary>
    public static IResourceBuilder<ProjectResource> AddNsqd(this IDistributedApplicationBuilder builder, string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);

        // The broker takes its addresses from nsqd flags only, so nothing from the service's launchSettings or
        // Kestrel configuration may add endpoints of its own.
        var nsqd = builder.AddProject<Projects.Nsqd_Service>(name, options =>
            {
                options.ExcludeLaunchProfile = true;
                options.ExcludeKestrelEndpoints = true;
            })
            .WithEndpoint(name: TcpEndpointName, scheme: "tcp", isProxied: false)
            .WithHttpEndpoint(name: HttpEndpointName, isProxied: false)
            .WithHttpHealthCheck("/health", endpointName: HttpEndpointName);

        var tcp = nsqd.GetEndpoint(TcpEndpointName);
        var http = nsqd.GetEndpoint(HttpEndpointName);
        var dataPath = DataPathFor(builder, name);
        // Locally everything stays on loopback. A published deployment runs each node in its own container, where
        // it must listen on all interfaces and advertise its own hostname (nsqd's default broadcast address).
        var runLocally = builder.ExecutionContext.IsRunMode;
        var listenHost = runLocally ? "127.0.0.1" : "0.0.0.0";

        return nsqd.WithArgs(context =>
        {
            context.Args.Add(ReferenceExpression.Create($"--tcp-address={listenHost}:{tcp.Property(EndpointProperty.TargetPort)}"));
            context.Args.Add(ReferenceExpression.Create($"--http-address={listenHost}:{http.Property(EndpointProperty.TargetPort)}"));
            if (runLocally)
            {
                // What nsqd registers with nsqlookupd; consumers on this machine must be able to dial it.
                context.Args.Add("--broadcast-address=127.0.0.1");
            }
            if (dataPath is not null) context.Args.Add($"--data-path={dataPath}");
        });
    }

    /// <summary>Adds one nsqlookupd replica on loopback: TCP (broker registrations), HTTP (the lookup API, /health) and
    /// gRPC endpoints handed over as nsqlookupd flags, the shared Redis store through <c>ConnectionStrings__redis</c>.
    /// It starts once <paramref name="redisServer"/> answers and is healthy once /health answers.</summary>
    public static IResourceBuilder<ProjectResource> AddNsqlookupd(this IDistributedApplicationBuilder builder, string name,
        IResourceBuilder<IResourceWithConnectionString> redis, IResourceBuilder<IResource> redisServer)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentNullException.ThrowIfNull(redisServer);

        var lookupd = builder.AddProject<Projects.Lookup_Service>(name, options =>
            {
                options.ExcludeLaunchProfile = true;
                options.ExcludeKestrelEndpoints = true;
            })
            .WithEndpoint(name: TcpEndpointName, scheme: "tcp", isProxied: false)
            .WithHttpEndpoint(name: HttpEndpointName, isProxied: false)
            .WithEndpoint(name: GrpcEndpointName, scheme: "http", isProxied: false)
            .WithHttpHealthCheck("/health", endpointName: HttpEndpointName)
            .WithReference(redis)
            .WaitFor(redisServer);

        var tcp = lookupd.GetEndpoint(TcpEndpointName);
        var http = lookupd.GetEndpoint(HttpEndpointName);
        var grpc = lookupd.GetEndpoint(GrpcEndpointName);
        var runLocally = builder.ExecutionContext.IsRunMode;
        var listenHost = runLocally ? "127.0.0.1" : "0.0.0.0";

        return lookupd.WithArgs(context =>
        {
            context.Args.Add(ReferenceExpression.Create($"--tcp-address={listenHost}:{tcp.Property(EndpointProperty.TargetPort)}"));
            context.Args.Add(ReferenceExpression.Create($"--http-address={listenHost}:{http.Property(EndpointProperty.TargetPort)}"));
            context.Args.Add(ReferenceExpression.Create($"--grpc-address={listenHost}:{grpc.Property(EndpointProperty.TargetPort)}"));
            // What the lookup tells brokers in its IDENTIFY response (and nsqadmin later); local tools must dial it.
            if (runLocally) context.Args.Add("--broadcast-address=127.0.0.1");
        });
    }

    /// <summary>Registers the broker with every lookup (<c>--lookupd-tcp-address</c> once per lookup) and starts it after
    /// them.</summary>
    public static IResourceBuilder<ProjectResource> WithLookupds(this IResourceBuilder<ProjectResource> nsqd,
        params IResourceBuilder<ProjectResource>[] lookupds)
    {
        ArgumentNullException.ThrowIfNull(nsqd);
        ArgumentNullException.ThrowIfNull(lookupds);
        var runLocally = nsqd.ApplicationBuilder.ExecutionContext.IsRunMode;
        foreach (var lookupd in lookupds)
        {
            var tcp = lookupd.GetEndpoint(TcpEndpointName);
            var host = runLocally
                ? ReferenceExpression.Create($"127.0.0.1")
                : ReferenceExpression.Create($"{tcp.Property(EndpointProperty.Host)}");
            nsqd.WithArgs(context => context.Args.Add(
                ReferenceExpression.Create($"--lookupd-tcp-address={host}:{tcp.Property(EndpointProperty.TargetPort)}")));
            nsqd.WaitFor(lookupd);
        }
        return nsqd;
    }

    /// <summary>A folder per node, created up front because nsqd refuses a data path that does not exist. Only in
    /// run mode: a published manifest must not carry a path from the developer's machine.</summary>
    private static string? DataPathFor(IDistributedApplicationBuilder builder, string name)
    {
        if (!builder.ExecutionContext.IsRunMode) return null;
        var root = builder.Configuration[DataRootKey] is { Length: > 0 } configured
            ? configured
            : Path.Combine(builder.AppHostDirectory, "obj", "nsq-data");
        var path = Path.GetFullPath(Path.Combine(root, name));
        Directory.CreateDirectory(path);
        return path;
    }
}
