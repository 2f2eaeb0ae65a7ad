using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting;

/// <summary>
/// Hands an NSQ cluster to apps as a connection string:
/// <code>
/// var nsq = builder.AddNsqCluster("nsq").WithNodes(lookupds).WithNodes(nsqds);
/// builder.AddProject&lt;Projects.Worker&gt;("worker").WithReference(nsq).WaitForNodes(nsq);
/// </code>
/// The worker then reads <c>ConnectionStrings:nsq</c> (e.g. <c>builder.AddNsqConsumer&lt;T, THandler&gt;("nsq", topic,
/// channel)</c> of Nsq.Client.Hosting).
/// </summary>
public static class NsqClusterBuilderExtensions
{
    /// <summary>The dashboard's type name of the cluster resource.</summary>
    public const string ResourceType = "NsqCluster";

    /// <summary>Adds the connection-string resource <paramref name="name"/>; add its nodes with <see cref="WithNodes"/>.</summary>
    public static IResourceBuilder<NsqClusterResource> AddNsqCluster(this IDistributedApplicationBuilder builder, string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var cluster = new NsqClusterResource(name, builder.ExecutionContext.IsRunMode);
        return builder.AddResource(cluster)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = ResourceType,
                State = KnownResourceStates.Running,
                Properties = [],
            })
            .WithManifestPublishingCallback(context =>
            {
                context.Writer.WriteString("type", "value.v0");
                context.WriteConnectionString(cluster);
            });
    }

    /// <summary>Adds nodes (made by <c>AddNsqd</c> or <c>AddNsqLookupd</c>) to the cluster's connection string.</summary>
    /// <exception cref="ArgumentException">A node was not added with <c>AddNsqd</c> or <c>AddNsqLookupd</c>.</exception>
    public static IResourceBuilder<NsqClusterResource> WithNodes(this IResourceBuilder<NsqClusterResource> cluster,
        params IEnumerable<IResourceBuilder<ProjectResource>> nodes)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(nodes);
        foreach (var node in nodes)
        {
            if (!node.Resource.TryGetLastAnnotation<NsqNodeAnnotation>(out var annotation))
                throw new ArgumentException($"'{node.Resource.Name}' was not added with AddNsqd or AddNsqLookupd.", nameof(nodes));
            cluster.Resource.Add(node.Resource, annotation.Role);
        }
        return cluster;
    }

    /// <summary>Starts <paramref name="app"/> once every node of <paramref name="cluster"/> is healthy.</summary>
    public static IResourceBuilder<T> WaitForNodes<T>(this IResourceBuilder<T> app, IResourceBuilder<NsqClusterResource> cluster)
        where T : IResourceWithWaitSupport
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(cluster);
        foreach (var node in cluster.Resource.Lookupds.Concat(cluster.Resource.Nsqds))
            app.WaitFor(app.ApplicationBuilder.CreateResourceBuilder(node));
        return app;
    }
}
