using Admin.Core.Actions;
using Admin.Core.Auth;
using Admin.Core.Cluster;
using Admin.Core.Rates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Nsq.Protocol;

namespace Admin.Core.Api;

/// <summary>nsqadmin's JSON API (spec §7.3) plus <c>/api/rates</c>, the chart series that replace graphite.</summary>
public static class AdminApi
{
    public static void Map(IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/ping", () => Results.Text("OK"));
        app.MapGet("/api/topics", GetTopicsAsync);
        app.MapGet("/api/topics/{topic}", GetTopicAsync);
        app.MapGet("/api/topics/{topic}/{channel}", GetChannelAsync);
        app.MapGet("/api/nodes", GetNodesAsync);
        app.MapGet("/api/nodes/{node}", GetNodeAsync);
        app.MapGet("/api/counter", GetCounterAsync);
        app.MapGet("/api/rates", GetRates);
        app.MapPost("/api/topics", CreateAsync);
        app.MapPost("/api/topics/{topic}", TopicActionAsync);
        app.MapPost("/api/topics/{topic}/{channel}", ChannelActionAsync);
        app.MapPost("/api/topics/{topic}/{channel}/config", ChannelConfigAsync);
        app.MapDelete("/api/topics/{topic}", DeleteTopicAsync);
        app.MapDelete("/api/topics/{topic}/{channel}", DeleteChannelAsync);
        app.MapDelete("/api/nodes/{node}", TombstoneAsync);
    }

    private static async Task<IResult> GetTopicsAsync(HttpContext ctx, ClusterClient cluster, bool? inactive)
    {
        if (inactive == true)
        {
            var r = await cluster.GetInactiveTopicsAsync(ctx.RequestAborted).ConfigureAwait(false);
            return ApiResults.Ok(ctx, new InactiveTopicsBody(r.Value, r.Message));
        }
        var topics = await cluster.GetTopicsAsync(ctx.RequestAborted).ConfigureAwait(false);
        return topics.AllFailed
            ? ApiResults.UpstreamFailed(ctx, topics.Errors)
            : ApiResults.Ok(ctx, new TopicsBody(topics.Value, topics.Message));
    }

    private static async Task<IResult> GetTopicAsync(HttpContext ctx, ClusterQueries queries, string topic)
    {
        var r = await queries.TopicAsync(topic, false, ctx.RequestAborted).ConfigureAwait(false);
        return r.Value.Nodes.Count == 0 && r.AllFailed
            ? ApiResults.UpstreamFailed(ctx, r.Errors)
            : r.Value.Nodes.Count == 0
                ? ApiResults.Error(ctx, StatusCodes.Status404NotFound, "TOPIC_NOT_FOUND")
                : ApiResults.Ok(ctx, TopicBody.Of(r.Value, r.Message));
    }

    private static async Task<IResult> GetChannelAsync(HttpContext ctx, ClusterQueries queries, string topic, string channel)
    {
        var r = await queries.TopicAsync(topic, true, ctx.RequestAborted, channel).ConfigureAwait(false);
        var c = r.Value.Channels.FirstOrDefault(x => x.Channel == channel);
        if (c is null) return ApiResults.Error(ctx, StatusCodes.Status404NotFound, "CHANNEL_NOT_FOUND");
        var now = DateTimeOffset.UtcNow;
        return ApiResults.Ok(ctx, new ChannelBody(QueueBody.Of("*", topic, channel, c.Total),
            [.. c.Nodes.Select(n => QueueBody.Of(n.Node, topic, channel, n.Counts))],
            [.. c.Clients.Select(cl => new ClientBody(cl.Node, cl.Client, (long)cl.ConnectedFor(now).TotalSeconds))], r.Message));
    }

    private static async Task<IResult> GetNodesAsync(HttpContext ctx, ClusterClient cluster)
    {
        var r = await cluster.GetNodesAsync(ctx.RequestAborted).ConfigureAwait(false);
        if (r.AllFailed) return ApiResults.UpstreamFailed(ctx, r.Errors);
        var newest = NodeVersions.Newest(r.Value);
        return ApiResults.Ok(ctx, new NodesBody([.. r.Value.Select(n => new NodeBody(n.RemoteAddresses, n.Hostname, n.BroadcastAddress,
            n.TcpPort, n.HttpPort, n.Version, [.. n.Topics.Select(t => new NodeTopicBody(t.Topic, t.Tombstoned))],
            NodeVersions.IsOutOfDate(n, newest), n.Key))], r.Message));
    }

    private static async Task<IResult> GetNodeAsync(HttpContext ctx, ClusterQueries queries, string node)
    {
        var r = await queries.NodeAsync(node, ctx.RequestAborted).ConfigureAwait(false);
        if (r is null) return ApiResults.Error(ctx, StatusCodes.Status404NotFound, "NODE_NOT_FOUND");
        var topics = r.Value.Stats.Topics ?? [];
        return ApiResults.Ok(ctx, new NodeStatsBody(node, topics, topics.Sum(t => t.MessageCount),
            topics.Sum(t => t.Channels.Sum(c => (long)c.ClientCount)), r.Message));
    }

    private static async Task<IResult> GetCounterAsync(HttpContext ctx, ClusterQueries queries)
    {
        var r = await queries.AllStatsAsync(ctx.RequestAborted).ConfigureAwait(false);
        var stats = new SortedDictionary<string, CounterEntry>(StringComparer.Ordinal);
        foreach (var s in r.Value)
        {
            foreach (var t in s.Stats.Topics ?? [])
            {
                foreach (var c in t.Channels)
                    stats[$"{t.TopicName}:{c.ChannelName}:{s.Node}"] = new CounterEntry(s.Node, t.TopicName, c.ChannelName, c.MessageCount);
            }
        }
        return ApiResults.Ok(ctx, new CounterBody(stats, stats.Values.Sum(e => e.MessageCount), r.Message));
    }

    private static IResult GetRates(HttpContext ctx, RateStore rates, AdminOptions options, string? topic, string? channel, string? node)
    {
        if (string.IsNullOrEmpty(topic)) return ApiResults.Error(ctx, StatusCodes.Status400BadRequest, "MISSING_ARG_TOPIC");
        var series = rates.Find(topic, string.IsNullOrEmpty(channel) ? null : channel, string.IsNullOrEmpty(node) ? null : node);
        return ApiResults.Ok(ctx, new RatesBody(topic, channel, (long)options.RateInterval.TotalMilliseconds, series?.Snapshot() ?? []));
    }

    private static async Task<IResult> CreateAsync(HttpContext ctx, AdminActions actions, AdminOptions options)
    {
        if (Forbidden(ctx, options)) return ApiResults.Error(ctx, StatusCodes.Status403Forbidden, "FORBIDDEN");
        var (fields, error) = await ActionRequest.ReadAsync(ctx.Request, ctx.RequestAborted).ConfigureAwait(false);
        if (fields is null) return ApiResults.Error(ctx, StatusCodes.Status400BadRequest, error!);
        if (!fields.TryGetValue("topic", out var topic) || !Names.IsValid(topic)) return ApiResults.Error(ctx, StatusCodes.Status400BadRequest, "INVALID_TOPIC");
        var channel = fields.GetValueOrDefault("channel") is { Length: > 0 } ch ? ch : null;
        if (channel is not null && !Names.IsValid(channel)) return ApiResults.Error(ctx, StatusCodes.Status400BadRequest, "INVALID_CHANNEL");
        return ApiResults.Action(ctx, await actions.CreateAsync(topic, channel, ctx, ctx.RequestAborted).ConfigureAwait(false));
    }

    private static async Task<IResult> TopicActionAsync(HttpContext ctx, AdminActions actions, AdminOptions options, string topic)
    {
        if (Forbidden(ctx, options)) return ApiResults.Error(ctx, StatusCodes.Status403Forbidden, "FORBIDDEN");
        var (fields, error) = await ActionRequest.ReadAsync(ctx.Request, ctx.RequestAborted).ConfigureAwait(false);
        if (fields is null) return ApiResults.Error(ctx, StatusCodes.Status400BadRequest, error!);
        if (!fields.TryGetValue("action", out var action) || !AdminActions.IsQueueAction(action))
            return ApiResults.Error(ctx, StatusCodes.Status400BadRequest, "INVALID_ACTION");
        return ApiResults.Action(ctx, await actions.TopicActionAsync(topic, action, ctx, ctx.RequestAborted).ConfigureAwait(false));
    }

    private static async Task<IResult> ChannelActionAsync(HttpContext ctx, AdminActions actions, AdminOptions options, string topic, string channel)
    {
        if (Forbidden(ctx, options)) return ApiResults.Error(ctx, StatusCodes.Status403Forbidden, "FORBIDDEN");
        var (fields, error) = await ActionRequest.ReadAsync(ctx.Request, ctx.RequestAborted).ConfigureAwait(false);
        if (fields is null) return ApiResults.Error(ctx, StatusCodes.Status400BadRequest, error!);
        if (!fields.TryGetValue("action", out var action) || !AdminActions.IsQueueAction(action))
            return ApiResults.Error(ctx, StatusCodes.Status400BadRequest, "INVALID_ACTION");
        return ApiResults.Action(ctx, await actions.ChannelActionAsync(topic, channel, action, ctx, ctx.RequestAborted).ConfigureAwait(false));
    }

    private static async Task<IResult> ChannelConfigAsync(HttpContext ctx, AdminActions actions, AdminOptions options, string topic, string channel)
    {
        if (Forbidden(ctx, options)) return ApiResults.Error(ctx, StatusCodes.Status403Forbidden, "FORBIDDEN");
        var (settings, error) = await ActionRequest.ReadObjectAsync(ctx.Request, ctx.RequestAborted).ConfigureAwait(false);
        if (settings is null) return ApiResults.Error(ctx, StatusCodes.Status400BadRequest, error!);
        var (errors, allFailed) = await actions.ConfigureChannelAsync(topic, channel, settings, ctx, ctx.RequestAborted).ConfigureAwait(false);
        return errors is null
            ? ApiResults.Error(ctx, StatusCodes.Status404NotFound, "CHANNEL_NOT_FOUND")
            : ApiResults.Action(ctx, errors, allFailed);
    }

    private static async Task<IResult> DeleteTopicAsync(HttpContext ctx, AdminActions actions, AdminOptions options, string topic)
        => Forbidden(ctx, options)
            ? ApiResults.Error(ctx, StatusCodes.Status403Forbidden, "FORBIDDEN")
            : ApiResults.Action(ctx, await actions.DeleteTopicAsync(topic, ctx, ctx.RequestAborted).ConfigureAwait(false));

    private static async Task<IResult> DeleteChannelAsync(HttpContext ctx, AdminActions actions, AdminOptions options, string topic, string channel)
        => Forbidden(ctx, options)
            ? ApiResults.Error(ctx, StatusCodes.Status403Forbidden, "FORBIDDEN")
            : ApiResults.Action(ctx, await actions.DeleteChannelAsync(topic, channel, ctx, ctx.RequestAborted).ConfigureAwait(false));

    private static async Task<IResult> TombstoneAsync(HttpContext ctx, AdminActions actions, AdminOptions options, string node)
    {
        if (Forbidden(ctx, options)) return ApiResults.Error(ctx, StatusCodes.Status403Forbidden, "FORBIDDEN");
        var (fields, error) = await ActionRequest.ReadAsync(ctx.Request, ctx.RequestAborted).ConfigureAwait(false);
        if (fields is null) return ApiResults.Error(ctx, StatusCodes.Status400BadRequest, error!);
        if (!fields.TryGetValue("topic", out var topic) || !Names.IsValid(topic)) return ApiResults.Error(ctx, StatusCodes.Status400BadRequest, "INVALID_TOPIC");
        return ApiResults.Action(ctx, await actions.TombstoneAsync(node, topic, ctx, ctx.RequestAborted).ConfigureAwait(false));
    }

    /// <summary>With <c>--admin-user</c> set, only those users may act (see <see cref="AdminUser"/>).</summary>
    internal static bool Forbidden(HttpContext ctx, AdminOptions options) => AdminUser.IsDenied(ctx, options);
}
