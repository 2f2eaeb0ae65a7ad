using Admin.Core.Auth;
using Admin.Core.Cluster;
using Admin.Core.Notifications;
using Microsoft.AspNetCore.Http;

namespace Admin.Core.Actions;

/// <summary>
/// nsqadmin's mutating actions (spec §7.3), fanned out to the lookupds and nsqds concerned, each followed by a notification
/// (spec §7.4). Every method returns the upstream failures (empty = all succeeded).
/// </summary>
public sealed class AdminActions(ClusterClient cluster, ClusterQueries queries, ChannelPolicyClient policies, NotificationPublisher notifications,
    AdminOptions options)
{
    /// <summary>The actions <c>POST /api/topics/:topic[/:channel]</c> accepts.</summary>
    public static bool IsQueueAction(string action) => action is "pause" or "unpause" or "empty";

    /// <summary>Creates a topic (and optionally a channel) on the lookupds; a channel also on the topic's producers.
    /// Without lookupds, the topic is created on every nsqd.</summary>
    public async Task<List<UpstreamError>> CreateAsync(string topic, string? channel, HttpContext request, CancellationToken ct)
    {
        var errors = new List<UpstreamError>();
        var t = Q("topic", topic);
        if (cluster.UsesLookupd)
        {
            errors.AddRange(await cluster.PostToLookupdsAsync("topic/create?" + t, ct).ConfigureAwait(false));
            if (channel is not null) errors.AddRange(await cluster.PostToLookupdsAsync($"channel/create?{t}&{Q("channel", channel)}", ct).ConfigureAwait(false));
        }
        else
        {
            var nodes = await cluster.GetNodesAsync(ct).ConfigureAwait(false);
            errors.AddRange(await cluster.PostToNodesAsync(nodes.Value.Select(n => n.Key), "topic/create?" + t, ct).ConfigureAwait(false));
        }
        Notify("create_topic", topic, null, null, request);
        if (channel is not null)
        {
            var producers = await cluster.GetProducersAsync(topic, ct).ConfigureAwait(false);
            errors.AddRange(await cluster.PostToNodesAsync(producers.Value, $"channel/create?{t}&{Q("channel", channel)}", ct).ConfigureAwait(false));
            Notify("create_channel", topic, channel, null, request);
        }
        return errors;
    }

    /// <summary>pause / unpause / empty a topic on every producer.</summary>
    public async Task<List<UpstreamError>> TopicActionAsync(string topic, string action, HttpContext request, CancellationToken ct)
    {
        var producers = await cluster.GetProducersAsync(topic, ct).ConfigureAwait(false);
        var errors = await cluster.PostToNodesAsync(producers.Value, $"topic/{action}?{Q("topic", topic)}", ct).ConfigureAwait(false);
        Notify(action + "_topic", topic, null, null, request);
        return [.. producers.Errors, .. errors];
    }

    /// <summary>pause / unpause / empty a channel on every producer of its topic.</summary>
    public async Task<List<UpstreamError>> ChannelActionAsync(string topic, string channel, string action, HttpContext request, CancellationToken ct)
    {
        var producers = await cluster.GetProducersAsync(topic, ct).ConfigureAwait(false);
        var errors = await cluster.PostToNodesAsync(producers.Value, $"channel/{action}?{Q("topic", topic)}&{Q("channel", channel)}", ct).ConfigureAwait(false);
        Notify(action + "_channel", topic, channel, null, request);
        return [.. producers.Errors, .. errors];
    }

    /// <summary>
    /// Changes a channel's policies (<paramref name="settings"/>, the JSON object of docs/channel-policies.md, passed on as
    /// it is: nsqd validates it) on every node that holds the channel. Errors null: no node holds it; all failed: nothing
    /// changed anywhere.
    /// </summary>
    public async Task<(List<UpstreamError>? Errors, bool AllFailed)> ConfigureChannelAsync(string topic, string channel, byte[] settings,
        HttpContext request, CancellationToken ct)
    {
        var r = await queries.TopicAsync(topic, false, ct, channel).ConfigureAwait(false);
        var nodes = r.Value.Channels.FirstOrDefault(c => c.Channel == channel)?.Nodes.Select(n => n.Node).ToList() ?? [];
        if (nodes.Count == 0) return r.AllFailed ? (r.Errors.ToList(), true) : (null, true);
        var errors = await policies.SetConfigsAsync(nodes, topic, channel, settings, ct).ConfigureAwait(false);
        Notify("config_channel", topic, channel, null, request);
        return ([.. r.Errors, .. errors], errors.Count == nodes.Count);
    }

    /// <summary>Deletes a topic on every lookupd and every producer.</summary>
    public async Task<List<UpstreamError>> DeleteTopicAsync(string topic, HttpContext request, CancellationToken ct)
    {
        var producers = await cluster.GetProducersAsync(topic, ct).ConfigureAwait(false);
        var errors = new List<UpstreamError>(producers.Errors);
        if (cluster.UsesLookupd) errors.AddRange(await cluster.PostToLookupdsAsync("topic/delete?" + Q("topic", topic), ct).ConfigureAwait(false));
        errors.AddRange(await cluster.PostToNodesAsync(producers.Value, "topic/delete?" + Q("topic", topic), ct).ConfigureAwait(false));
        Notify("delete_topic", topic, null, null, request);
        return errors;
    }

    /// <summary>Deletes a channel on every lookupd and every producer of its topic.</summary>
    public async Task<List<UpstreamError>> DeleteChannelAsync(string topic, string channel, HttpContext request, CancellationToken ct)
    {
        var producers = await cluster.GetProducersAsync(topic, ct).ConfigureAwait(false);
        var errors = new List<UpstreamError>(producers.Errors);
        var q = $"{Q("topic", topic)}&{Q("channel", channel)}";
        if (cluster.UsesLookupd) errors.AddRange(await cluster.PostToLookupdsAsync("channel/delete?" + q, ct).ConfigureAwait(false));
        errors.AddRange(await cluster.PostToNodesAsync(producers.Value, "channel/delete?" + q, ct).ConfigureAwait(false));
        Notify("delete_channel", topic, channel, null, request);
        return errors;
    }

    /// <summary>Tombstones <paramref name="topic"/> for <paramref name="node"/> on every lookupd, then deletes it on that node.</summary>
    public async Task<List<UpstreamError>> TombstoneAsync(string node, string topic, HttpContext request, CancellationToken ct)
    {
        var errors = new List<UpstreamError>();
        if (cluster.UsesLookupd) errors.AddRange(await cluster.PostToLookupdsAsync($"topic/tombstone?{Q("topic", topic)}&{Q("node", node)}", ct).ConfigureAwait(false));
        errors.AddRange(await cluster.PostToNodesAsync([node], "topic/delete?" + Q("topic", topic), ct).ConfigureAwait(false));
        Notify("tombstone_topic_producer", topic, null, node, request);
        return errors;
    }

    private void Notify(string action, string topic, string? channel, string? node, HttpContext request)
    {
        if (!notifications.Enabled) return;
        var user = AdminUser.Of(request, options);
        var scheme = request.Request.Headers["X-Scheme"] == "https" ? "https" : request.Request.Scheme;
        notifications.Enqueue(new AdminNotification
        {
            Action = action,
            Topic = topic,
            Channel = channel,
            Node = node,
            Timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            User = user.Length > 0 ? user : null,
            RemoteIp = $"{request.Connection.RemoteIpAddress}:{request.Connection.RemotePort}",
            UserAgent = request.Request.Headers.UserAgent.ToString(),
            Url = $"{scheme}://{request.Request.Host}{request.Request.PathBase}{request.Request.Path}{request.Request.QueryString}",
            Via = Environment.MachineName,
        });
    }

    private static string Q(string name, string value) => name + "=" + Uri.EscapeDataString(value);
}
