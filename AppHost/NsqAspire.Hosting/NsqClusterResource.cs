using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting;

/// <summary>
/// What an app needs to reach an NSQ cluster, as one connection string: every nsqd's TCP address and every nsqlookupd's
/// HTTP address, <c>nsqd=host:port,host:port;lookupd=http://host:port,...</c> (the format the Nsq.Client.Hosting client
/// integration parses). <c>project.WithReference(cluster)</c> hands it over as <c>ConnectionStrings__&lt;name&gt;</c>.
/// The resource runs nothing itself; the nodes are the <see cref="NsqResourceBuilderExtensions.AddNsqd{TProject}"/> and
/// <see cref="NsqResourceBuilderExtensions.AddNsqLookupd{TProject}"/> projects added to it.
/// </summary>
/// <param name="name">The resource name, which is also the connection string name.</param>
/// <param name="runLocally">True in run mode: nodes listen on loopback, so addresses use 127.0.0.1 and the real port.</param>
public sealed class NsqClusterResource(string name, bool runLocally) : Resource(name), IResourceWithConnectionString
{
    private readonly List<ProjectResource> _nsqds = [];
    private readonly List<ProjectResource> _lookupds = [];

    /// <summary>The brokers, in the order they were added.</summary>
    public IReadOnlyList<ProjectResource> Nsqds => _nsqds;

    /// <summary>The lookups, in the order they were added.</summary>
    public IReadOnlyList<ProjectResource> Lookupds => _lookupds;

    /// <summary><c>nsqd=…;lookupd=…</c> over the nodes' allocated endpoints (each part left out while it has no node).</summary>
    public ReferenceExpression ConnectionStringExpression
    {
        get
        {
            var builder = new ReferenceExpressionBuilder();
            AppendList(builder, "nsqd=", _nsqds, NsqResourceBuilderExtensions.TcpEndpointName, scheme: "");
            if (_nsqds.Count > 0 && _lookupds.Count > 0) builder.AppendLiteral(";");
            AppendList(builder, "lookupd=", _lookupds, NsqResourceBuilderExtensions.HttpEndpointName, scheme: "http://");
            return builder.Build();
        }
    }

    internal void Add(ProjectResource node, NsqRole role)
    {
        var list = role == NsqRole.Nsqd ? _nsqds : _lookupds;
        if (!list.Contains(node)) list.Add(node);
    }

    private void AppendList(ReferenceExpressionBuilder builder, string key, List<ProjectResource> nodes, string endpointName, string scheme)
    {
        if (nodes.Count == 0) return;
        builder.AppendLiteral(key);
        for (var i = 0; i < nodes.Count; i++)
        {
            if (i > 0) builder.AppendLiteral(",");
            var endpoint = nodes[i].GetEndpoint(endpointName);
            builder.AppendLiteral(scheme);
            // Locally the nodes listen on 127.0.0.1 (not "localhost", which may resolve to ::1 first); published, each is
            // reached by its service's host name.
            if (runLocally) builder.AppendLiteral("127.0.0.1");
            else builder.Append($"{endpoint.Property(EndpointProperty.Host)}");
            builder.Append($":{endpoint.Property(EndpointProperty.Port)}");
        }
    }
}
