using System.Net.Http.Json;
using System.Text.Json.Serialization.Metadata;
using Nsq.Protocol.Http;
using Nsq.Protocol.Lookup;
using NsqAspire.Daemon.Http;

namespace Admin.Core.Cluster;

/// <summary>
/// Reads the cluster over HTTP the way nsqadmin does (spec §7.3, "nsqadmin → lookupd / nsqd calls"): topology from every
/// lookupd (union; a failing one becomes a warning), or from the static nsqd list; stats from each nsqd's
/// <c>/stats?format=json</c>. Nothing is cached: every page shows the cluster as it is now.
/// </summary>
public sealed class ClusterClient(HttpClient http, AdminOptions options)
{
    /// <summary>Whether topology comes from lookupds (else from the static nsqd list).</summary>
    public bool UsesLookupd => options.LookupdHttpAddresses.Count > 0;

    /// <summary>The configured lookupd addresses.</summary>
    public IReadOnlyList<string> Lookupds => options.LookupdHttpAddresses;

    /// <summary>All topics: the union of every lookupd's <c>/topics</c>, or of every nsqd's stats.</summary>
    public async Task<Upstream<List<string>>> GetTopicsAsync(CancellationToken ct)
    {
        var set = new SortedSet<string>(StringComparer.Ordinal);
        if (UsesLookupd)
        {
            var r = await FromLookupdsAsync("topics", LookupJsonContext.Default.TopicsResponse, ct).ConfigureAwait(false);
            foreach (var t in r.Value) set.UnionWith(t.Topics);
            return new([.. set], r.Errors, r.AllFailed);
        }
        var stats = await GetStatsAsync(StaticNodeKeys(), null, null, false, ct).ConfigureAwait(false);
        foreach (var s in stats.Value) set.UnionWith(s.Stats.Topics?.Select(t => t.TopicName) ?? []);
        return new([.. set], stats.Errors, stats.AllFailed);
    }

    /// <summary>Topics that lookupds know but no producer serves (nsqadmin's "inactive" list), with their channels.</summary>
    public async Task<Upstream<SortedDictionary<string, List<string>>>> GetInactiveTopicsAsync(CancellationToken ct)
    {
        var result = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        var topics = await GetTopicsAsync(ct).ConfigureAwait(false);
        var errors = new List<UpstreamError>(topics.Errors);
        if (!UsesLookupd) return new(result, errors);
        foreach (var topic in topics.Value)
        {
            var lookups = await FromLookupdsAsync($"lookup?topic={Uri.EscapeDataString(topic)}", LookupJsonContext.Default.LookupResponse, ct, notFoundIsEmpty: true).ConfigureAwait(false);
            errors.AddRange(lookups.Errors);
            if (lookups.Value.Any(l => l.Producers.Count > 0)) continue;
            result[topic] = [.. lookups.Value.SelectMany(l => l.Channels).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        }
        return new(result, errors);
    }

    /// <summary>Every nsqd: merged from all lookupds' <c>/nodes</c> by <c>broadcast_address:http_port</c>, or the static
    /// list (asking each its <c>/info</c> and <c>/stats</c>).</summary>
    public async Task<Upstream<List<NodeView>>> GetNodesAsync(CancellationToken ct)
    {
        if (!UsesLookupd) return await GetStaticNodesAsync(ct).ConfigureAwait(false);
        var answers = new List<(string Lookupd, NodesResponse Nodes)>();
        var errors = new List<UpstreamError>();
        foreach (var lookupd in options.LookupdHttpAddresses)
        {
            try
            {
                answers.Add((lookupd, await GetJsonAsync(new Uri(AdminOptions.UpstreamUri(lookupd), "nodes"), LookupJsonContext.Default.NodesResponse, ct).ConfigureAwait(false)));
            }
            catch (Exception ex) when (IsUpstreamFailure(ex))
            {
                errors.Add(UpstreamAnswer.Of("lookupd " + lookupd, ex));
            }
        }
        var merged = new SortedDictionary<string, NodeView>(StringComparer.Ordinal);
        foreach (var (lookupd, nodes) in answers)
        {
            foreach (var p in nodes.Producers)
            {
                var key = $"{p.BroadcastAddress}:{p.HttpPort}";
                var topics = p.Topics.Select((t, i) => new NodeTopic(t, i < p.Tombstones.Count && p.Tombstones[i]));
                var remote = $"{lookupd}/{p.RemoteAddress}";
                merged[key] = merged.TryGetValue(key, out var known)
                    ? known with
                    {
                        RemoteAddresses = [.. known.RemoteAddresses, remote],
                        Topics = [.. known.Topics.UnionBy(topics, t => t.Topic).OrderBy(t => t.Topic, StringComparer.Ordinal)],
                    }
                    : new NodeView(key, p.Hostname, p.BroadcastAddress, p.TcpPort, p.HttpPort, p.Version, [remote],
                        [.. topics.OrderBy(t => t.Topic, StringComparer.Ordinal)]);
            }
        }
        return new([.. merged.Values], errors, answers.Count == 0);
    }

    /// <summary>The nodes that produce <paramref name="topic"/>: lookupds' <c>/lookup</c> (tombstoned ones excluded), or
    /// the static nodes whose stats hold it.</summary>
    public async Task<Upstream<List<string>>> GetProducersAsync(string topic, CancellationToken ct)
    {
        var set = new SortedSet<string>(StringComparer.Ordinal);
        if (UsesLookupd)
        {
            var r = await FromLookupdsAsync($"lookup?topic={Uri.EscapeDataString(topic)}", LookupJsonContext.Default.LookupResponse, ct, notFoundIsEmpty: true).ConfigureAwait(false);
            foreach (var l in r.Value) set.UnionWith(l.Producers.Select(p => $"{p.BroadcastAddress}:{p.HttpPort}"));
            return new([.. set], r.Errors, r.AllFailed);
        }
        var stats = await GetStatsAsync(StaticNodeKeys(), topic, null, false, ct).ConfigureAwait(false);
        set.UnionWith(stats.Value.Where(s => s.Stats.Topics is { Count: > 0 }).Select(s => s.Node));
        return new([.. set], stats.Errors, stats.AllFailed);
    }

    /// <summary><c>/stats?format=json</c> of each node (optionally one topic/channel), in parallel; failures become errors.</summary>
    public async Task<Upstream<List<NodeStats>>> GetStatsAsync(IEnumerable<string> nodes, string? topic, string? channel,
        bool includeClients, CancellationToken ct)
    {
        var query = "stats?format=json&include_mem=false&include_clients=" + (includeClients ? "true" : "false");
        if (topic is not null) query += "&topic=" + Uri.EscapeDataString(topic);
        if (channel is not null) query += "&channel=" + Uri.EscapeDataString(channel);
        var list = nodes.ToList();
        var tasks = list.Select(async node =>
        {
            try
            {
                return (node, stats: await GetJsonAsync(new Uri(AdminOptions.UpstreamUri(node), query), NsqHttpJsonContext.Default.StatsResponse, ct).ConfigureAwait(false), error: (UpstreamError?)null);
            }
            catch (Exception ex) when (IsUpstreamFailure(ex))
            {
                return (node, stats: (StatsResponse?)null, error: UpstreamAnswer.Of("nsqd " + node, ex));
            }
        }).ToList();
        var done = await Task.WhenAll(tasks).ConfigureAwait(false);
        return new([.. done.Where(d => d.stats is not null).Select(d => new NodeStats(d.node, d.stats!))],
            [.. done.Where(d => d.error is not null).Select(d => d.error!)], list.Count > 0 && done.All(d => d.stats is null));
    }

    /// <summary>POSTs <paramref name="pathAndQuery"/> to every lookupd; returns the failures.</summary>
    public Task<List<UpstreamError>> PostToLookupdsAsync(string pathAndQuery, CancellationToken ct)
        => PostAllAsync(options.LookupdHttpAddresses.Select(l => ("lookupd " + l, AdminOptions.UpstreamUri(l))), pathAndQuery, ct);

    /// <summary>POSTs <paramref name="pathAndQuery"/> to each node; returns the failures.</summary>
    public Task<List<UpstreamError>> PostToNodesAsync(IEnumerable<string> nodes, string pathAndQuery, CancellationToken ct)
        => PostAllAsync(nodes.Select(n => ("nsqd " + n, AdminOptions.UpstreamUri(n))), pathAndQuery, ct);

    private async Task<List<UpstreamError>> PostAllAsync(IEnumerable<(string Name, Uri Base)> targets, string pathAndQuery, CancellationToken ct)
    {
        var errors = new List<UpstreamError>();
        foreach (var (name, baseUri) in targets)
        {
            try
            {
                using var response = await http.PostAsync(new Uri(baseUri, pathAndQuery), null, ct).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode) errors.Add(await UpstreamAnswer.OfAsync(name, response, ct).ConfigureAwait(false));
            }
            catch (Exception ex) when (IsUpstreamFailure(ex))
            {
                errors.Add(UpstreamAnswer.Of(name, ex));
            }
        }
        return errors;
    }

    private async Task<Upstream<List<T>>> FromLookupdsAsync<T>(string pathAndQuery, JsonTypeInfo<T> type, CancellationToken ct, bool notFoundIsEmpty = false)
    {
        var values = new List<T>();
        var errors = new List<UpstreamError>();
        var answered = 0;
        foreach (var lookupd in options.LookupdHttpAddresses)
        {
            try
            {
                using var response = await GetAsync(new Uri(AdminOptions.UpstreamUri(lookupd), pathAndQuery), ct).ConfigureAwait(false);
                answered++;
                if (notFoundIsEmpty && response.StatusCode == System.Net.HttpStatusCode.NotFound) continue;
                await UpstreamAnswer.EnsureSuccessAsync(response, ct).ConfigureAwait(false);
                values.Add((await response.Content.ReadFromJsonAsync(type, ct).ConfigureAwait(false))!);
            }
            catch (Exception ex) when (IsUpstreamFailure(ex))
            {
                errors.Add(UpstreamAnswer.Of("lookupd " + lookupd, ex));
            }
        }
        return new(values, errors, answered == 0);
    }

    private async Task<Upstream<List<NodeView>>> GetStaticNodesAsync(CancellationToken ct)
    {
        var keys = StaticNodeKeys();
        var errors = new List<UpstreamError>();
        var nodes = new List<NodeView>();
        foreach (var key in keys)
        {
            try
            {
                var info = await GetJsonAsync(new Uri(AdminOptions.UpstreamUri(key), "info"), NsqHttpJsonContext.Default.InfoResponse, ct).ConfigureAwait(false);
                var stats = await GetJsonAsync(new Uri(AdminOptions.UpstreamUri(key), "stats?format=json&include_clients=false&include_mem=false"), NsqHttpJsonContext.Default.StatsResponse, ct).ConfigureAwait(false);
                nodes.Add(new NodeView(key, info.Hostname, info.BroadcastAddress, info.TcpPort, info.HttpPort, info.Version, [],
                    [.. (stats.Topics ?? []).Select(t => new NodeTopic(t.TopicName, false))]));
            }
            catch (Exception ex) when (IsUpstreamFailure(ex))
            {
                errors.Add(UpstreamAnswer.Of("nsqd " + key, ex));
            }
        }
        return new(nodes, errors, keys.Count > 0 && nodes.Count == 0);
    }

    private List<string> StaticNodeKeys() => [.. options.NsqdHttpAddresses.Select(a => AdminOptions.UpstreamUri(a).Authority)];

    private async Task<T> GetJsonAsync<T>(Uri uri, JsonTypeInfo<T> type, CancellationToken ct)
    {
        using var response = await GetAsync(uri, ct).ConfigureAwait(false);
        await UpstreamAnswer.EnsureSuccessAsync(response, ct).ConfigureAwait(false);
        return (await response.Content.ReadFromJsonAsync(type, ct).ConfigureAwait(false))!;
    }

    /// <summary>A GET marked as polling when the sampler's timer, not a user, made it.</summary>
    private async Task<HttpResponseMessage> GetAsync(Uri uri, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        if (PollingScope.IsActive) request.MarkPolling();
        return await http.SendAsync(request, ct).ConfigureAwait(false);
    }

    /// <summary>What an unreachable, slow or misbehaving upstream throws (never a cancellation of our own request).</summary>
    internal static bool IsUpstreamFailure(Exception ex)
        => ex is HttpRequestException or System.Text.Json.JsonException or TaskCanceledException { CancellationToken.IsCancellationRequested: false };
}
