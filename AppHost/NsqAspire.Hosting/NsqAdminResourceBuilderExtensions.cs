using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting;

/// <summary>
/// The admin UI (nsqadmin) in an Aspire AppHost:
/// <code>
/// builder.AddNsqAdmin&lt;Projects.Admin_Service&gt;("nsqadmin").WithLookupdHttp(lookupds);
/// </code>
/// The admin reads the lookups through service discovery (<c>--lookupd-http-address=http://nsqlookupd0</c> plus the
/// reference that tells it where <c>nsqlookupd0</c>'s "http" endpoint is) and proxies their APIs and the brokers' with
/// YARP, so its external HTTP endpoint is the only one a browser needs.
/// </summary>
public static class NsqAdminResourceBuilderExtensions
{
    /// <summary>Endpoint name of the admin's pages, JSON API and proxy.</summary>
    public const string AdminEndpointName = "http";

    /// <summary>Adds the admin app (the project <typeparamref name="TProject"/>, e.g. <c>Projects.Admin_Service</c>) with an
    /// external HTTP endpoint (on <paramref name="port"/> when given) handed over as <c>--http-address</c>, healthy once
    /// /health answers. Point it at the cluster with <see cref="WithLookupdHttp"/> or <see cref="WithNsqdHttp"/>.</summary>
    public static IResourceBuilder<ProjectResource> AddNsqAdmin<TProject>(this IDistributedApplicationBuilder builder, string name, int? port = null)
        where TProject : IProjectMetadata, new()
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);

        var admin = builder.AddProject<TProject>(name, options =>
            {
                options.ExcludeLaunchProfile = true;
                options.ExcludeKestrelEndpoints = true;
            })
            .WithAnnotation(new NsqAdminAnnotation())
            .WithHttpEndpoint(name: AdminEndpointName, port: port, isProxied: false)
            .WithExternalHttpEndpoints()
            .WithHttpHealthCheck("/health", endpointName: AdminEndpointName);
        var http = admin.GetEndpoint(AdminEndpointName);
        // Locally on loopback; a published admin runs in its own container and listens on all interfaces.
        var listenHost = builder.ExecutionContext.IsRunMode ? "127.0.0.1" : "0.0.0.0";
        return admin.WithArgs(context =>
            context.Args.Add(ReferenceExpression.Create($"--http-address={listenHost}:{http.Property(EndpointProperty.TargetPort)}")));
    }

    /// <summary>Reads topology from the lookups (one <c>--lookupd-http-address=http://&lt;name&gt;</c> each, resolved by
    /// service discovery; published, <c>nsqlookupd0:4161</c>) and starts after them.</summary>
    public static IResourceBuilder<ProjectResource> WithLookupdHttp(this IResourceBuilder<ProjectResource> admin,
        params IEnumerable<IResourceBuilder<ProjectResource>> lookupds)
        => WithUpstreams(admin, "--lookupd-http-address", lookupds);

    /// <summary>Reads a static list of brokers instead of lookups (nsqadmin's <c>--nsqd-http-address</c>).</summary>
    public static IResourceBuilder<ProjectResource> WithNsqdHttp(this IResourceBuilder<ProjectResource> admin,
        params IEnumerable<IResourceBuilder<ProjectResource>> nsqds)
        => WithUpstreams(admin, "--nsqd-http-address", nsqds);

    /// <summary>Makes the admin ask for HTTP Basic credentials on every page, API and proxied route (probes stay open):
    /// user <paramref name="user"/>, password <paramref name="password"/> (a secret parameter, handed over through the
    /// environment as <c>Admin__BasicAuthPassword</c>). The signed-in user also counts for <c>--admin-user</c>.</summary>
    public static IResourceBuilder<ProjectResource> WithBasicAuth(this IResourceBuilder<ProjectResource> admin,
        IResourceBuilder<ParameterResource> password, string user = "admin")
    {
        RequireAdmin(admin);
        ArgumentNullException.ThrowIfNull(password);
        ArgumentException.ThrowIfNullOrWhiteSpace(user);
        return admin.WithArgs($"--basic-auth-user={user}").WithEnvironment("Admin__BasicAuthPassword", password);
    }

    /// <summary>The token the admin sends as <c>Authorization: Bearer</c> to the nodes' HTTP APIs when the user's request
    /// brings none (the nodes' <see cref="NsqResourceBuilderExtensions.WithHttpAuthToken"/>), through the environment as
    /// <c>Admin__UpstreamAuthToken</c>.</summary>
    public static IResourceBuilder<ProjectResource> WithUpstreamAuthToken(this IResourceBuilder<ProjectResource> admin,
        IResourceBuilder<ParameterResource> token)
    {
        RequireAdmin(admin);
        ArgumentNullException.ThrowIfNull(token);
        return admin.WithEnvironment("Admin__UpstreamAuthToken", token);
    }

    private static void RequireAdmin(IResourceBuilder<ProjectResource> admin)
    {
        ArgumentNullException.ThrowIfNull(admin);
        if (!admin.Resource.TryGetLastAnnotation<NsqAdminAnnotation>(out _))
            throw new ArgumentException($"'{admin.Resource.Name}' was not added with AddNsqAdmin.", nameof(admin));
    }

    private static IResourceBuilder<ProjectResource> WithUpstreams(IResourceBuilder<ProjectResource> admin, string flag,
        IEnumerable<IResourceBuilder<ProjectResource>> upstreams)
    {
        RequireAdmin(admin);
        ArgumentNullException.ThrowIfNull(upstreams);
        var publishing = !admin.ApplicationBuilder.ExecutionContext.IsRunMode;
        foreach (var upstream in upstreams)
        {
            var http = upstream.GetEndpoint(NsqResourceBuilderExtensions.HttpEndpointName);
            if (publishing)
            {
                // Published, the node's HTTP port is a TCP mapping reached at name:port (see AddNsqd), not a service
                // discovery entry.
                admin.WithArgs(context => context.Args.Add(ReferenceExpression.Create(
                    $"{flag}={http.Property(EndpointProperty.Host)}:{http.Property(EndpointProperty.TargetPort)}")));
            }
            else
            {
                admin.WithReference(http).WithArgs($"{flag}=http://{upstream.Resource.Name}");
            }
            admin.WaitFor(upstream);
        }
        return admin;
    }
}

/// <summary>Marks a resource added by <see cref="NsqAdminResourceBuilderExtensions.AddNsqAdmin"/>.</summary>
public sealed class NsqAdminAnnotation : IResourceAnnotation;
