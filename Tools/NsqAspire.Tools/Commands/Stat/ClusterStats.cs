using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Serialization.Metadata;
using Nsq.Protocol.Http;
using Nsq.Protocol.Lookup;
using NsqAspire.Tools.Common;

namespace NsqAspire.Tools.Commands.Stat;

/// <summary>
/// What nsq_stat asks the cluster each interval, as the Go tool's clusterinfo does: the nsqd nodes that have the topic
/// (nsqlookupd's <c>/lookup?topic=</c>, or each given nsqd's <c>/stats</c> and then its <c>/info</c> for the address
/// it announces), then each of those nodes' <c>/stats</c> for the topic and channel, summed. Like the Go tool, any node
/// that does not answer is an error (nsq_stat then stops rather than print a partial sum).
/// </summary>
internal sealed class ClusterStats : IDisposable
{
    private readonly HttpClient _client;

    public ClusterStats(TimeSpan connectTimeout, TimeSpan requestTimeout)
    {
        _client = new HttpClient(new SocketsHttpHandler { ConnectTimeout = connectTimeout, UseCookies = false }) { Timeout = requestTimeout };
        // nsqd's and nsqlookupd's v1 answers: the bare JSON object, no status_code/data envelope.
        _client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vnd.nsq") { Parameters = { new("version", "1.0") } });
    }

    /// <summary>The HTTP addresses (host:port) of the nsqd nodes that have <paramref name="topic"/>.</summary>
    public async Task<List<string>> ProducersFromLookupdAsync(string topic, IReadOnlyList<string> lookupdAddresses, CancellationToken ct)
    {
        var answers = await Task.WhenAll(lookupdAddresses.Select(address =>
            TryGetAsync(HttpAddress.Url(address, $"/lookup?topic={Uri.EscapeDataString(topic)}"), LookupJsonContext.Default.LookupResponse, ct)))
            .ConfigureAwait(false);
        ThrowIfAllFailed(answers, "nsqlookupd");
        var producers = new List<string>();
        foreach (var (response, _) in answers)
        {
            foreach (var peer in response?.Producers ?? [])
            {
                var address = JoinHostPort(peer.BroadcastAddress, peer.HttpPort);
                if (!producers.Contains(address)) producers.Add(address);
            }
        }
        ThrowIfAnyFailed(answers);
        return producers;
    }

    /// <summary>The given nsqd nodes that have <paramref name="topic"/>, by the HTTP address each announces in <c>/info</c>.</summary>
    public async Task<List<string>> ProducersFromNsqdAsync(string topic, IReadOnlyList<string> nsqdAddresses, CancellationToken ct)
    {
        var answers = await Task.WhenAll(nsqdAddresses.Select(address => ProducerOfAsync(address, topic, ct))).ConfigureAwait(false);
        ThrowIfAllFailed(answers, "nsqd");
        ThrowIfAnyFailed(answers);
        var producers = new List<string>();
        foreach (var (address, _) in answers)
            if (address is not null) producers.Add(address);
        return producers;
    }

    /// <summary>The channel summed over <paramref name="producers"/>; null when no node has the channel.</summary>
    public async Task<ChannelTotals?> ChannelAsync(IReadOnlyList<string> producers, string topic, string channel, CancellationToken ct)
    {
        if (producers.Count == 0) throw new InvalidOperationException($"failed to query any nsqd: no nsqd has topic({topic})");
        var answers = await Task.WhenAll(producers.Select(address => TryGetAsync(
            HttpAddress.Url(address, $"/stats?format=json&topic={Uri.EscapeDataString(topic)}&channel={Uri.EscapeDataString(channel)}&include_clients=false"),
            NsqHttpJsonContext.Default.StatsResponse, ct))).ConfigureAwait(false);
        ThrowIfAllFailed(answers, "nsqd");
        ThrowIfAnyFailed(answers);
        ChannelTotals? totals = null;
        foreach (var (stats, _) in answers)
        {
            foreach (var t in stats?.Topics ?? [])
            {
                if (t.TopicName != topic) continue;
                foreach (var c in t.Channels)
                {
                    if (c.ChannelName != channel) continue;
                    totals ??= new ChannelTotals();
                    totals.Depth += c.Depth;
                    totals.BackendDepth += c.BackendDepth;
                    totals.MemoryDepth += c.Depth - c.BackendDepth;
                    totals.InFlightCount += c.InFlightCount;
                    totals.DeferredCount += c.DeferredCount;
                    totals.RequeueCount += c.RequeueCount;
                    totals.TimeoutCount += c.TimeoutCount;
                    totals.MessageCount += c.MessageCount;
                    totals.ClientCount += c.ClientCount;
                }
            }
        }
        return totals;
    }

    private async Task<(string? Address, string? Error)> ProducerOfAsync(string address, string topic, CancellationToken ct)
    {
        var (stats, error) = await TryGetAsync(HttpAddress.Url(address, $"/stats?format=json&topic={Uri.EscapeDataString(topic)}&include_clients=false"),
            NsqHttpJsonContext.Default.StatsResponse, ct).ConfigureAwait(false);
        if (error is not null) return (null, error);
        if (stats?.Topics?.Exists(t => t.TopicName == topic) != true) return (null, null);
        var (info, infoError) = await TryGetAsync(HttpAddress.Url(address, "/info"), NsqHttpJsonContext.Default.InfoResponse, ct).ConfigureAwait(false);
        if (infoError is not null) return (null, infoError);
        // An nsqd that announces no address is reached where it was asked (the Go tool's fallback for old nsqd).
        return (info is null || info.BroadcastAddress.Length == 0 ? address : JoinHostPort(info.BroadcastAddress, info.HttpPort), null);
    }

    private async Task<(T? Value, string? Error)> TryGetAsync<T>(string url, JsonTypeInfo<T> type, CancellationToken ct)
    {
        try
        {
            using var response = await _client.GetAsync(url, ct).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
                return (default, $"GET {url}: got response {(int)response.StatusCode} {response.ReasonPhrase} \"{body.Trim()}\"");
            }
            var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
                return (await System.Text.Json.JsonSerializer.DeserializeAsync(stream, type, ct).ConfigureAwait(false), null);
        }
        catch (HttpRequestException ex)
        {
            return (default, $"GET {url}: {ex.Message}");
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return (default, $"GET {url}: timed out");
        }
        catch (System.Text.Json.JsonException ex)
        {
            return (default, $"GET {url}: {ex.Message}");
        }
    }

    private static void ThrowIfAllFailed<T>((T, string? Error)[] answers, string what)
    {
        if (answers.Length > 0 && Array.TrueForAll(answers, a => a.Error is not null))
            throw new InvalidOperationException($"failed to query any {what}: {string.Join("; ", answers.Select(a => a.Error))}");
    }

    private static void ThrowIfAnyFailed<T>((T, string? Error)[] answers)
    {
        var errors = answers.Where(a => a.Error is not null).Select(a => a.Error).ToList();
        if (errors.Count > 0) throw new InvalidOperationException(string.Join("; ", errors));
    }

    /// <summary>Go's <c>net.JoinHostPort</c>: brackets around an IPv6 host.</summary>
    private static string JoinHostPort(string host, int port) =>
        host.Contains(':', StringComparison.Ordinal) ? $"[{host}]:{port}" : $"{host}:{port}";

    public void Dispose() => _client.Dispose();
}
