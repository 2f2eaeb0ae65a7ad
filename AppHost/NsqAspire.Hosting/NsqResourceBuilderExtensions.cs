using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting;

/// <summary>
/// The NSQ hosting integration: an NSQ cluster in any Aspire AppHost in three lines.
/// <code>
/// var lookupd = builder.AddNsqLookupd&lt;Projects.Lookup_Service&gt;("nsqlookupd");
/// builder.AddNsqd&lt;Projects.Nsqd_Service&gt;("nsqd0").WithLookupd(lookupd);
/// builder.AddNsqd&lt;Projects.Nsqd_Service&gt;("nsqd1").WithLookupd(lookupd);
/// </code>
/// The caller's AppHost references the service projects, so it hands their metadata (<c>Projects.*</c>) to the library.
/// <para>How nodes are modelled. nsqd: one named project resource per node (nsqd0, nsqd1, ...) rather than
/// <c>WithReplicas</c>, because each nsqd must be individually addressable: it advertises its own TCP port to
/// nsqlookupd and consumers connect to that exact port. Hence non-proxied endpoints whose ports are handed to the
/// broker as nsqd flags. nsqlookupd: the same shape (named replicas nsqlookupd0, nsqlookupd1, ...), because each broker
/// connects to every lookup's TCP port; replicas share their registrations through an optional Redis store
/// (<see cref="WithStore(IResourceBuilder{ProjectResource}, NsqLookupdStore)"/>), else each knows only the brokers registered with it, as nsqlookupd does.</para>
/// </summary>
public static class NsqResourceBuilderExtensions
{
    /// <summary>Endpoint name of the NSQ TCP protocol (nsqd: producers and consumers; nsqlookupd: broker registrations).</summary>
    public const string TcpEndpointName = "tcp";

    /// <summary>Endpoint name of the HTTP API, also serving /health and /alive.</summary>
    public const string HttpEndpointName = "http";

    /// <summary>Endpoint name of the nsqlookupd gRPC (h2c) topology stream.</summary>
    public const string GrpcEndpointName = "grpc";

    /// <summary>Name of the connection string nsqlookupd reads its Redis store from (<c>ConnectionStrings__redis</c>).</summary>
    public const string StoreConnectionName = "redis";

    /// <summary>Where a published nsqd's data volume is mounted (its <c>--data-path</c>, handed over as <c>Nsqd__DataPath</c>).</summary>
    public const string PublishedDataPath = "/var/lib/nsqd";

    /// <summary>Configuration key overriding where nodes keep their data (default: the AppHost's obj/nsq-data).
    /// Test runs point it at a temporary folder so parallel runs never share a locked data path.</summary>
    public const string DataRootKey = "Nsq:DataRoot";

    /// <summary>Adds one nsqd node (the project <typeparamref name="TProject"/>, e.g. <c>Projects.Nsqd_Service</c>):
    /// TCP and HTTP endpoints handed over as nsqd flags, loopback and its own data folder when run locally, healthy once
    /// /health answers.</summary>
    public static IResourceBuilder<ProjectResource> AddNsqd<TProject>(this IDistributedApplicationBuilder builder, string name)
        where TProject : IProjectMetadata, new()
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);

        if (!builder.ExecutionContext.IsRunMode)
        {
            // Published, the data path is a named volume: a container's own disk is gone on every restart or redeploy,
            // and with it every message nsqd had written there (durable mode included). azd mounts volumes only on
            // containers, not on projects, so a published nsqd is the container its Dockerfile builds from the repository.
            return AddNode<TProject>(builder, name, NsqRole.Nsqd, NsqdPorts, node => node.PublishAsDockerFile(container => container
                    .WithDockerfile(RepositoryRootOf<TProject>(), Path.Combine(Path.GetDirectoryName(new TProject().ProjectPath)!, "Dockerfile"))
                    .WithVolume($"{name}-data", PublishedDataPath)))
                .WithArgs($"--data-path={PublishedDataPath}");
        }
        var dataPath = DataPathFor(builder, name);
        return AddNode<TProject>(builder, name, NsqRole.Nsqd, NsqdPorts).WithArgs(context => context.Args.Add($"--data-path={dataPath}"));
    }

    /// <summary>The build context of a published node's Dockerfile: the nearest folder above the project holding
    /// global.json (the repository root), because the service builds from its sibling projects (protocol, host layer).</summary>
    private static string RepositoryRootOf<TProject>()
        where TProject : IProjectMetadata, new()
    {
        var projectDir = Path.GetDirectoryName(new TProject().ProjectPath)!;
        for (var dir = new DirectoryInfo(projectDir); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "global.json"))) return dir.FullName;
        }
        throw new InvalidOperationException($"No global.json above {projectDir}: the Dockerfile's build context is the repository root.");
    }

    /// <summary>Adds one nsqlookupd replica (the project <typeparamref name="TProject"/>, e.g. <c>Projects.Lookup_Service</c>):
    /// TCP (broker registrations), HTTP (the lookup API, /health) and gRPC endpoints handed over as nsqlookupd flags,
    /// healthy once /health answers. Without <see cref="WithStore(IResourceBuilder{ProjectResource}, NsqLookupdStore)"/> it keeps its registrations in memory.</summary>
    public static IResourceBuilder<ProjectResource> AddNsqLookupd<TProject>(this IDistributedApplicationBuilder builder, string name)
        where TProject : IProjectMetadata, new()
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);

        var lookupd = AddNode<TProject>(builder, name, NsqRole.Lookupd, LookupdPorts)
            .WithEndpoint(name: GrpcEndpointName, scheme: "http", isProxied: false,
                targetPort: builder.ExecutionContext.IsRunMode ? null : LookupdPorts.Grpc);
        if (!builder.ExecutionContext.IsRunMode) lookupd.WithEndpoint(GrpcEndpointName, PublishAsTcp);
        var grpc = lookupd.GetEndpoint(GrpcEndpointName);
        var listenHost = ListenHost(builder);
        return lookupd.WithArgs(context =>
            context.Args.Add(ReferenceExpression.Create($"--grpc-address={listenHost}:{grpc.Property(EndpointProperty.TargetPort)}")));
    }

    /// <summary>Requires <paramref name="token"/> (a secret parameter) as <c>Authorization: Bearer</c> on the node's HTTP
    /// write endpoints (nsqd: <c>/pub</c>, <c>/topic/*</c>, <c>/channel/*</c>, <c>PUT /config/*</c>; nsqlookupd:
    /// <c>/topic/*</c>, <c>/channel/*</c>), through the environment (<c>Nsqd__HttpAuthTokens</c> /
    /// <c>Lookup__HttpAuthTokens</c>) so the secret never shows in a process list. See docs/http-auth.md.</summary>
    public static IResourceBuilder<ProjectResource> WithHttpAuthToken(this IResourceBuilder<ProjectResource> node,
        IResourceBuilder<ParameterResource> token)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(token);
        if (!node.Resource.TryGetLastAnnotation<NsqNodeAnnotation>(out var annotation))
            throw new ArgumentException($"'{node.Resource.Name}' was not added with AddNsqd or AddNsqLookupd.", nameof(node));
        var section = annotation.Role == NsqRole.Nsqd ? "Nsqd" : "Lookup";
        return node.WithEnvironment($"{section}__HttpAuthTokens", token);
    }

    /// <summary>Shares the lookup's registrations through Redis: the connection string arrives as
    /// <c>ConnectionStrings__redis</c> whatever the resource is called, and the lookup starts once <paramref name="waitFor"/>
    /// (default: <paramref name="redis"/> itself) is healthy. A null <paramref name="redis"/> leaves the memory store.</summary>
    public static IResourceBuilder<ProjectResource> WithStore(this IResourceBuilder<ProjectResource> lookupd,
        IResourceBuilder<IResourceWithConnectionString>? redis, IResourceBuilder<IResource>? waitFor = null)
    {
        ArgumentNullException.ThrowIfNull(lookupd);
        RequireRole(lookupd, NsqRole.Lookupd, nameof(lookupd));
        if (redis is null) return lookupd;
        return lookupd.WithReference(redis, StoreConnectionName).WaitFor(waitFor ?? redis);
    }

    /// <summary>Shares the lookup's registrations through the store chosen by
    /// <see cref="NsqLookupdStoreExtensions.AddNsqLookupdStore"/>; the memory store when it is null.</summary>
    public static IResourceBuilder<ProjectResource> WithStore(this IResourceBuilder<ProjectResource> lookupd, NsqLookupdStore? store)
    {
        ArgumentNullException.ThrowIfNull(lookupd);
        return store is null ? lookupd.WithStore(redis: null) : lookupd.WithStore(store.ConnectionString, store.Server);
    }

    /// <summary>Registers the broker with <paramref name="lookupd"/> (one <c>--lookupd-tcp-address</c>) and starts it
    /// after the lookup is healthy.</summary>
    public static IResourceBuilder<ProjectResource> WithLookupd(this IResourceBuilder<ProjectResource> nsqd,
        IResourceBuilder<ProjectResource> lookupd)
    {
        ArgumentNullException.ThrowIfNull(nsqd);
        ArgumentNullException.ThrowIfNull(lookupd);
        RequireRole(nsqd, NsqRole.Nsqd, nameof(nsqd));
        RequireRole(lookupd, NsqRole.Lookupd, nameof(lookupd));

        var tcp = lookupd.GetEndpoint(TcpEndpointName);
        // Locally every node listens on loopback; published, a lookup is reached by its service's host name.
        var host = nsqd.ApplicationBuilder.ExecutionContext.IsRunMode
            ? ReferenceExpression.Create($"127.0.0.1")
            : ReferenceExpression.Create($"{tcp.Property(EndpointProperty.Host)}");
        return nsqd
            .WithArgs(context => context.Args.Add(
                ReferenceExpression.Create($"--lookupd-tcp-address={host}:{tcp.Property(EndpointProperty.TargetPort)}")))
            .WaitFor(lookupd);
    }

    /// <summary>Registers the broker with every lookup in <paramref name="lookupds"/>.</summary>
    public static IResourceBuilder<ProjectResource> WithLookupds(this IResourceBuilder<ProjectResource> nsqd,
        params IEnumerable<IResourceBuilder<ProjectResource>> lookupds)
    {
        ArgumentNullException.ThrowIfNull(nsqd);
        ArgumentNullException.ThrowIfNull(lookupds);
        foreach (var lookupd in lookupds) nsqd.WithLookupd(lookupd);
        return nsqd;
    }

    /// <summary>A project with non-proxied TCP and HTTP endpoints whose target ports (and the listen host) become the
    /// node's <c>--tcp-address</c> and <c>--http-address</c>. Nothing from the service's launch profile or Kestrel
    /// configuration may add endpoints of its own: the node takes its addresses from its flags only.</summary>
    private static IResourceBuilder<ProjectResource> AddNode<TProject>(IDistributedApplicationBuilder builder, string name,
        NsqRole role, NodePorts ports, Action<IResourceBuilder<ProjectResource>>? publishAs = null)
        where TProject : IProjectMetadata, new()
    {
        var publishing = !builder.ExecutionContext.IsRunMode;
        var node = builder.AddProject<TProject>(name, options =>
            {
                options.ExcludeLaunchProfile = true;
                options.ExcludeKestrelEndpoints = true;
            })
            .WithAnnotation(new NsqNodeAnnotation(role))
            .WithEndpoint(name: TcpEndpointName, scheme: "tcp", isProxied: false, targetPort: publishing ? ports.Tcp : null)
            .WithHttpEndpoint(name: HttpEndpointName, isProxied: false, targetPort: publishing ? ports.Http : null)
            .WithHttpHealthCheck("/health", endpointName: HttpEndpointName);
        if (publishing) node.WithEndpoint(HttpEndpointName, PublishAsTcp);
        // Before the flags: publishing as a container drops the arguments given so far.
        publishAs?.Invoke(node);

        var tcp = node.GetEndpoint(TcpEndpointName);
        var http = node.GetEndpoint(HttpEndpointName);
        var listenHost = ListenHost(builder);
        return node.WithArgs(context =>
        {
            context.Args.Add(ReferenceExpression.Create($"--tcp-address={listenHost}:{tcp.Property(EndpointProperty.TargetPort)}"));
            context.Args.Add(ReferenceExpression.Create($"--http-address={listenHost}:{http.Property(EndpointProperty.TargetPort)}"));
            // What the node advertises: nsqd registers it with the lookups (consumers dial it), nsqlookupd answers it in
            // IDENTIFY. Locally that is loopback; published it is the node's own resource name, which every app in the
            // environment resolves (a container's hostname is not), with the target port, which is the port it listens on.
            context.Args.Add(publishing
                ? ReferenceExpression.Create($"--broadcast-address={tcp.Property(EndpointProperty.Host)}")
                : ReferenceExpression.Create($"--broadcast-address=127.0.0.1"));
        });
    }

    /// <summary>Published, a node's HTTP (and gRPC) port is a plain TCP mapping. azd makes an app's HTTP binding its main
    /// HTTP ingress, which other apps reach on port 80 only; but nsqd registers its HTTP port with the lookups, and
    /// nsqadmin, the tools and clients dial exactly that port (<c>nsqd0:4151</c>). As TCP mappings every NSQ port is
    /// reachable at <c>name:port</c>, as the nodes advertise it.</summary>
    private static void PublishAsTcp(EndpointAnnotation endpoint)
    {
        endpoint.UriScheme = "tcp";
        endpoint.Transport = "tcp";
    }

    /// <summary>NSQ's own ports, used when published: each node runs in its own container, so all can use the ports the
    /// NSQ tools default to, and a node's advertised port is the port it listens on. Locally the ports are allocated.</summary>
    private readonly record struct NodePorts(int Tcp, int Http, int Grpc = 0);

    private static readonly NodePorts NsqdPorts = new(4150, 4151);
    private static readonly NodePorts LookupdPorts = new(4160, 4161, 4162);

    /// <summary>Locally everything stays on loopback. A published deployment runs each node in its own container, where
    /// it must listen on all interfaces.</summary>
    private static string ListenHost(IDistributedApplicationBuilder builder) =>
        builder.ExecutionContext.IsRunMode ? "127.0.0.1" : "0.0.0.0";

    private static void RequireRole(IResourceBuilder<ProjectResource> node, NsqRole role, string parameter)
    {
        if (!node.Resource.TryGetLastAnnotation<NsqNodeAnnotation>(out var annotation) || annotation.Role != role)
        {
            var what = role == NsqRole.Nsqd ? "AddNsqd" : "AddNsqLookupd";
            throw new ArgumentException($"'{node.Resource.Name}' was not added with {what}.", parameter);
        }
    }

    /// <summary>A folder per node, created up front because nsqd refuses a data path that does not exist (run mode only:
    /// a published node gets a volume instead).</summary>
    private static string DataPathFor(IDistributedApplicationBuilder builder, string name)
    {
        var root = builder.Configuration[DataRootKey] is { Length: > 0 } configured
            ? configured
            : Path.Combine(builder.AppHostDirectory, "obj", "nsq-data");
        var path = Path.GetFullPath(Path.Combine(root, name));
        Directory.CreateDirectory(path);
        return path;
    }
}

/// <summary>Which NSQ daemon a project resource runs.</summary>
public enum NsqRole
{
    /// <summary>The broker.</summary>
    Nsqd,

    /// <summary>The discovery service.</summary>
    Lookupd,
}

/// <summary>Marks a resource added by <see cref="NsqResourceBuilderExtensions"/>, so a broker is only ever pointed at a lookup.</summary>
public sealed class NsqNodeAnnotation(NsqRole role) : IResourceAnnotation
{
    /// <summary>The daemon the resource runs.</summary>
    public NsqRole Role { get; } = role;
}
