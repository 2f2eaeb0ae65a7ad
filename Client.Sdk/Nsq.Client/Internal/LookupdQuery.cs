using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Nsq.Protocol.Lookup;

namespace Nsq.Client.Internal;

/// <summary>The lookupd side of consumer discovery (spec §6.5): URL building and <c>/lookup?topic=</c>.</summary>
internal static class LookupdQuery
{
    /// <summary>
    /// Marks the discovery requests as polling (they repeat every lookup interval for the consumer's lifetime):
    /// NsqAspire's ServiceDefaults leaves requests carrying this option out of traces. The name is the contract; the SDK
    /// does not reference ServiceDefaults.
    /// </summary>
    internal static readonly HttpRequestOptionsKey<bool> PollingOption = new("NsqAspire.Polling");

    /// <summary>
    /// <c>host:port</c> gets <c>http://</c>; an empty or <c>/</c> path becomes <c>/lookup</c>; <c>topic=</c> is added to
    /// the query the address already has.
    /// </summary>
    public static Uri BuildUrl(string address, string topic)
    {
        var builder = new UriBuilder(HttpAddress.Parse(address, "lookupd"));
        if (builder.Path is "" or "/") builder.Path = "/lookup";
        var query = builder.Query.TrimStart('?');
        builder.Query = (query.Length == 0 ? "" : query + "&") + "topic=" + Uri.EscapeDataString(topic);
        return builder.Uri;
    }

    /// <summary>The producers one lookupd lists; empty when the topic is unknown (404) or the lookupd failed.</summary>
    public static async Task<IReadOnlyList<NsqdEndpoint>> QueryAsync(
        HttpClient http, Uri url, TimeSpan timeout, ILogger logger, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.TryAddWithoutValidation("Accept", HttpAddress.Accept);
            request.Options.Set(PollingOption, true);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                logger.LogDebug("lookupd {Url}: topic not found yet", url);
                return [];
            }
            if (!response.IsSuccessStatusCode)
            {
                logger.LogWarning("lookupd {Url} answered {Status}", url, (int)response.StatusCode);
                return [];
            }
            var stream = await response.Content.ReadAsStreamAsync(cts.Token).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                var body = await JsonSerializer.DeserializeAsync(stream, LookupJsonContext.Default.LookupResponse, cts.Token).ConfigureAwait(false);
                return body is null
                    ? []
                    : [.. body.Producers.Where(p => !string.IsNullOrEmpty(p.BroadcastAddress) && p.TcpPort > 0)
                        .Select(p => new NsqdEndpoint(p.BroadcastAddress, p.TcpPort))];
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or IOException
            || ex is OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(ex, "lookupd {Url} query failed", url);
            return [];
        }
    }
}
