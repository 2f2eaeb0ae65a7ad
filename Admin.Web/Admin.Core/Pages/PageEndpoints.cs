using Admin.Core.Cluster;
using Admin.Core.Rates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Admin.Core.Pages;

/// <summary>The server-rendered pages (spec §7.1): each reads the cluster now and renders one Razor component.</summary>
internal static class PageEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/", TopicsAsync);
        app.MapGet("/topics", () => Results.Redirect("/"));
        app.MapGet("/topics/{topic}", TopicAsync);
        app.MapGet("/topics/{topic}/{channel}", ChannelAsync);
        app.MapGet("/nodes", NodesAsync);
        app.MapGet("/nodes/{node}", NodeAsync);
        app.MapGet("/lookup", LookupAsync);
        app.MapGet("/counter", CounterAsync);
    }

    private static async Task<IResult> TopicsAsync(HttpContext ctx, ClusterQueries queries, RateStore rates)
    {
        var r = await queries.TopicsAsync(ctx.RequestAborted).ConfigureAwait(false);
        return Page<TopicsPage>(new TopicsModel(r.Value, rates, r.Message));
    }

    private static async Task<IResult> TopicAsync(HttpContext ctx, ClusterQueries queries, ClusterClient cluster, RateStore rates, string topic)
    {
        var r = await queries.TopicAsync(topic, false, ctx.RequestAborted).ConfigureAwait(false);
        var warning = r.Value.Nodes.Count == 0 && r.Errors.Count == 0 ? "No node holds this topic." : r.Message;
        return Page<TopicPage>(new TopicModel(r.Value, [.. r.Value.Nodes.Select(n => n.Node)], rates, warning));
    }

    private static async Task<IResult> ChannelAsync(HttpContext ctx, ClusterQueries queries, ChannelPolicyClient policies, AdminOptions options,
        RateStore rates, string topic, string channel, int? peek)
    {
        var r = await queries.TopicAsync(topic, true, ctx.RequestAborted, channel).ConfigureAwait(false);
        var c = r.Value.Channels.FirstOrDefault(x => x.Channel == channel);
        var warning = c is null && r.Errors.Count == 0 ? "No node holds this channel." : r.Message;
        var nodes = c?.Nodes.Select(n => n.Node).ToList() ?? [];
        var configs = await policies.GetConfigsAsync(nodes, topic, channel, ctx.RequestAborted).ConfigureAwait(false);
        PeekView? peeked = null;
        if (peek is { } n)
        {
            var forbidden = Api.AdminApi.Forbidden(ctx, options);
            peeked = new PeekView(n, forbidden ? [] : await policies.PeekAsync(nodes, topic, channel, n, ctx.RequestAborted).ConfigureAwait(false), forbidden);
        }
        return Page<ChannelPage>(new ChannelModel(c ?? new ChannelSummary(topic, channel, QueueCounts.Zero, [], []), rates, DateTimeOffset.UtcNow,
            warning, configs, peeked));
    }

    private static async Task<IResult> NodesAsync(HttpContext ctx, ClusterClient cluster)
    {
        var r = await cluster.GetNodesAsync(ctx.RequestAborted).ConfigureAwait(false);
        return Page<NodesPage>(new NodesModel(r.Value, cluster.Lookupds.Count, NodeVersions.Newest(r.Value), r.Message));
    }

    private static async Task<IResult> NodeAsync(HttpContext ctx, ClusterQueries queries, string node)
    {
        var r = await queries.NodeAsync(node, ctx.RequestAborted).ConfigureAwait(false);
        if (r is null)
        {
            ctx.Response.StatusCode = StatusCodes.Status404NotFound;
            return Page<NodePage>(new NodeModel(node, new NodeStats(node, new Nsq.Protocol.Http.StatsResponse()), DateTimeOffset.UtcNow, "Node not found."));
        }
        return Page<NodePage>(new NodeModel(node, r.Value, DateTimeOffset.UtcNow, r.Message));
    }

    private static async Task<IResult> LookupAsync(HttpContext ctx, ClusterClient cluster)
    {
        var r = await cluster.GetInactiveTopicsAsync(ctx.RequestAborted).ConfigureAwait(false);
        return Page<LookupPage>(new LookupModel(cluster.Lookupds, r.Value, r.Message));
    }

    private static async Task<IResult> CounterAsync(HttpContext ctx, ClusterQueries queries)
    {
        var r = await queries.AllStatsAsync(ctx.RequestAborted).ConfigureAwait(false);
        var total = r.Value.Sum(s => (s.Stats.Topics ?? []).Sum(t => t.Channels.Sum(c => c.MessageCount)));
        return Page<CounterPage>(new CounterModel(total, r.Message));
    }

    private static RazorComponentResult<T> Page<T>(object model) where T : Microsoft.AspNetCore.Components.IComponent
        => new(new Dictionary<string, object?> { ["Model"] = model });
}
