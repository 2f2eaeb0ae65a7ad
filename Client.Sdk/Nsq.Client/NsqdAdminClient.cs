using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Nsq.Client.Internal;
using Nsq.Protocol.Http;

namespace Nsq.Client;

/// <summary>
/// One nsqd's HTTP API for channel policies (docs/channel-policies.md): read and change a channel's dead-letter, TTL and
/// max-depth settings, and peek at the head of its queue without consuming it. Errors are
/// <see cref="NsqdHttpException"/>s carrying nsqd's status and message.
/// </summary>
public sealed class NsqdAdminClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;

    /// <summary>
    /// A client for the nsqd at <paramref name="httpAddress"/> (<c>127.0.0.1:4151</c> or <c>https://nsqd:4152</c>).
    /// Without <paramref name="httpClient"/> it makes (and disposes) its own.
    /// </summary>
    public NsqdAdminClient(string httpAddress, HttpClient? httpClient = null)
    {
        BaseAddress = HttpAddress.Parse(httpAddress, "nsqd");
        _ownsHttp = httpClient is null;
        _http = httpClient ?? new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
    }

    /// <summary>The nsqd's HTTP address as a URL.</summary>
    public Uri BaseAddress { get; }

    /// <summary><c>GET /channel/config</c>: the channel's settings.</summary>
    public async Task<NsqChannelConfig> GetChannelConfigAsync(string topic, string channel, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, ChannelUri("channel/config", topic, channel));
        return ToConfig(await SendAsync(request, NsqHttpJsonContext.Default.ChannelConfig, cancellationToken).ConfigureAwait(false));
    }

    /// <summary><c>POST /channel/config</c>: changes the settings <paramref name="update"/> sets (only those are sent) and
    /// returns all of them as nsqd now holds them.</summary>
    public async Task<NsqChannelConfig> SetChannelConfigAsync(string topic, string channel, NsqChannelConfigUpdate update,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        using var request = new HttpRequestMessage(HttpMethod.Post, ChannelUri("channel/config", topic, channel))
        {
            Content = new ByteArrayContent(UpdateBody(update)) { Headers = { ContentType = new("application/json") } },
        };
        return ToConfig(await SendAsync(request, NsqHttpJsonContext.Default.ChannelConfig, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// <c>GET /channel/peek</c>: up to <paramref name="count"/> (1 to 100) messages at the head of the channel's ready
    /// queue, oldest first. Depth, order, attempts and in-flight state stay as they were.
    /// </summary>
    public async Task<IReadOnlyList<NsqPeekedMessage>> PeekAsync(string topic, string channel, int count = 1,
        CancellationToken cancellationToken = default)
    {
        var uri = ChannelUri("channel/peek", topic, channel, "&n=" + count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        var answer = await SendAsync(request, NsqHttpJsonContext.Default.ChannelPeekResponse, cancellationToken).ConfigureAwait(false);
        return [.. answer.Messages.Select(m => new NsqPeekedMessage(m.Id, m.Timestamp, m.Attempts, m.Body))];
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsHttp) _http.Dispose();
    }

    private Uri ChannelUri(string path, string topic, string channel, string extra = "")
    {
        ArgumentNullException.ThrowIfNull(topic);
        ArgumentNullException.ThrowIfNull(channel);
        return new Uri(BaseAddress, $"{path}?topic={Uri.EscapeDataString(topic)}&channel={Uri.EscapeDataString(channel)}{extra}");
    }

    private async Task<T> SendAsync<T>(HttpRequestMessage request, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        request.Headers.TryAddWithoutValidation("Accept", HttpAddress.Accept);
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) throw new NsqdHttpException(response.StatusCode, ErrorResponse.MessageOf(text));
        try
        {
            return JsonSerializer.Deserialize(text, type)
                ?? throw new NsqdHttpException(response.StatusCode, "nsqd answered null");
        }
        catch (JsonException ex)
        {
            throw new NsqdHttpException(response.StatusCode, "unexpected answer: " + text, ex);
        }
    }

    // Only the settings the update names: nsqd leaves the others as they are.
    private static byte[] UpdateBody(NsqChannelConfigUpdate update)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (update.MaxAttempts is { } attempts) json.WriteNumber("max_attempts", attempts);
            if (update.DeadLetterTopic is { } topic) json.WriteString("dead_letter_topic", topic);
            if (update.MessageTtl is { } ttl) json.WriteNumber("message_ttl_ms", (long)ttl.TotalMilliseconds);
            if (update.MaxDepth is { } depth) json.WriteNumber("max_depth", depth);
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static NsqChannelConfig ToConfig(ChannelConfig body) => new()
    {
        MaxAttempts = body.MaxAttempts,
        DeadLetterTopic = body.DeadLetterTopic,
        MessageTtl = TimeSpan.FromMilliseconds(body.MessageTtlMs),
        MaxDepth = body.MaxDepth,
    };
}
