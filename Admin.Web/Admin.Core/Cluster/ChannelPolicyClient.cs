using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Nsq.Protocol.Http;

namespace Admin.Core.Cluster;

/// <summary>One node's channel policies (docs/channel-policies.md), or why there are none to show.</summary>
public sealed record NodePolicy(string Node, ChannelConfig? Config, string? Error)
{
    /// <summary>What a node without the feature (a real nsqd: 404 <c>NOT_FOUND</c> for the path) is shown as.</summary>
    public const string Unsupported = "not supported by this nsqd";
}

/// <summary>The head of one node's channel queue, as <c>/channel/peek</c> answered it, or the failure.</summary>
public sealed record NodePeek(string Node, IReadOnlyList<PeekedMessage> Messages, string? Error);

/// <summary>
/// The channel-policy calls of our nsqd (<c>/channel/config</c>, <c>/channel/peek</c>) on each node holding a channel,
/// in parallel, with the cluster client's HttpClient (its timeouts, no retries). A failing node becomes its row's error,
/// as <see cref="ClusterClient"/> turns failures into warnings.
/// </summary>
public sealed class ChannelPolicyClient(HttpClient http)
{
    /// <summary><c>GET /channel/config</c> of every node.</summary>
    public async Task<List<NodePolicy>> GetConfigsAsync(IEnumerable<string> nodes, string topic, string channel, CancellationToken ct)
        => [.. await Task.WhenAll(nodes.Select(async node =>
        {
            var (value, error) = await CallAsync(HttpMethod.Get, node, "channel/config", topic, channel, "", null,
                NsqHttpJsonContext.Default.ChannelConfig, ct).ConfigureAwait(false);
            return new NodePolicy(node, value, error?.Text);
        })).ConfigureAwait(false)];

    /// <summary><c>POST /channel/config</c> with <paramref name="body"/> (the settings to change) on every node; the failures.</summary>
    public async Task<List<UpstreamError>> SetConfigsAsync(IEnumerable<string> nodes, string topic, string channel, byte[] body, CancellationToken ct)
    {
        var answers = await Task.WhenAll(nodes.Select(node => CallAsync(HttpMethod.Post, node, "channel/config", topic, channel, "", body,
            NsqHttpJsonContext.Default.ChannelConfig, ct))).ConfigureAwait(false);
        return [.. answers.Where(a => a.Error is not null).Select(a => a.Error!)];
    }

    /// <summary><c>GET /channel/peek?n=</c> of every node.</summary>
    public async Task<List<NodePeek>> PeekAsync(IEnumerable<string> nodes, string topic, string channel, int n, CancellationToken ct)
        => [.. await Task.WhenAll(nodes.Select(async node =>
        {
            var (value, error) = await CallAsync(HttpMethod.Get, node, "channel/peek", topic, channel,
                "&n=" + n.ToString(System.Globalization.CultureInfo.InvariantCulture), null, NsqHttpJsonContext.Default.ChannelPeekResponse, ct).ConfigureAwait(false);
            return new NodePeek(node, value?.Messages ?? [], error?.Text);
        })).ConfigureAwait(false)];

    private async Task<(T? Value, UpstreamError? Error)> CallAsync<T>(HttpMethod method, string node, string path, string topic, string channel,
        string extra, byte[]? body, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CancellationToken ct) where T : class
    {
        var uri = new Uri(AdminOptions.UpstreamUri(node), $"{path}?topic={Uri.EscapeDataString(topic)}&channel={Uri.EscapeDataString(channel)}{extra}");
        try
        {
            using var request = new HttpRequestMessage(method, uri);
            if (body is not null) request.Content = new ByteArrayContent(body) { Headers = { ContentType = new("application/json") } };
            using var response = await http.SendAsync(request, ct).ConfigureAwait(false);
            if (response.IsSuccessStatusCode) return (await response.Content.ReadFromJsonAsync(type, ct).ConfigureAwait(false), null);
            var message = ErrorResponse.MessageOf(await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false));
            return (null, new(response.StatusCode == HttpStatusCode.NotFound && message == "NOT_FOUND"
                ? $"nsqd {node}: {NodePolicy.Unsupported}"
                : $"nsqd {node}: {(int)response.StatusCode} {message}", response.StatusCode));
        }
        catch (Exception ex) when (ClusterClient.IsUpstreamFailure(ex))
        {
            return (null, UpstreamAnswer.Of("nsqd " + node, ex));
        }
    }
}
