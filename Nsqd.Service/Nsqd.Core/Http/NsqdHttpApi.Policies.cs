using System.Globalization;
using System.Text.Json;
using Nsq.Protocol;
using Nsq.Protocol.Http;
using NsqAspire.Daemon.Http;
using Nsqd.Core.Topics;

namespace Nsqd.Core.Http;

/// <summary>
/// Not in nsqd (docs/channel-policies.md): <c>GET|POST /channel/config</c>, a channel's dead-letter, TTL and max-depth
/// settings, and <c>GET /channel/peek</c>, the head of its ready queue. Errors in nsqd's form.
/// </summary>
internal sealed partial class NsqdHttpApi
{
    private const int MaxPeek = 100;
    private static readonly ApiResult InvalidN = ApiResult.Error(400, "INVALID_N");

    /// <summary>A POST reads, merges and writes the settings: two at once must not lose one's change.</summary>
    private readonly Lock _channelConfigLock = new();

    private ValueTask<ApiResult> ChannelConfigGet(ApiRequest req)
        => new(GetExistingChannel(req, out var channel) ?? ConfigResult(channel!.Policy));

    private async ValueTask<ApiResult> ChannelConfigPostAsync(ApiRequest req)
    {
        if (GetExistingChannel(req, out var channel) is { } error) return error;
        using var body = await RequestBody.ReadPooledAsync(req.Context.Request, _broker.Options.MaxMsgSize).ConfigureAwait(false);
        if (body.Exceeded) return ApiResult.Error(400, "INVALID_BODY");
        lock (_channelConfigLock)
        {
            var refused = ChannelConfigBody.Apply(body.Span, channel!.Policy, out var policy) ?? policy!.Validate(channel.Topic.Name);
            if (refused is not null) return ApiResult.Error(400, refused);
            channel.SetPolicy(policy!);
            _broker.PersistMetadata();
            return ConfigResult(channel.Policy);
        }
    }

    private ValueTask<ApiResult> ChannelPeek(ApiRequest req)
    {
        if (GetExistingChannel(req, out var channel) is { } error) return new(error);
        req.TryGetQuery(out var q);
        var n = 1;
        if (q.Get("n") is { } text &&
            (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out n) || n is < 1 or > MaxPeek))
            return new(InvalidN);
        var peek = new ChannelPeekResponse { Messages = channel!.Peek(n) };
        return new(ApiResult.Json(JsonSerializer.SerializeToUtf8Bytes(peek, NsqHttpJsonContext.Default.ChannelPeekResponse)));
    }

    private static ApiResult ConfigResult(ChannelPolicy policy)
        => ApiResult.Json(JsonSerializer.SerializeToUtf8Bytes(policy.ToConfig(), NsqHttpJsonContext.Default.ChannelConfig));

    /// <summary>nsqd's /channel/* argument checks (<see cref="GetExistingTopic"/>), then the channel must exist too.</summary>
    private ApiResult? GetExistingChannel(ApiRequest req, out Channel? channel)
    {
        channel = null;
        if (GetExistingTopic(req, out var topic, out var channelName) is { } error) return error;
        channel = topic!.FindChannel(channelName!);
        return channel is null ? ChannelNotFound : null;
    }
}
