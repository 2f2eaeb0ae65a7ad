using Nsq.Protocol;
using NsqAspire.Daemon.Http;
using Nsqd.Core.Topics;

namespace Nsqd.Core.Http;

/// <summary>
/// Spec §3.2 and §1.10/§1.11: /topic/* and /channel/* (POST, parameters from the query only, 200 with an empty body on
/// success). Pause and unpause write nsqd.dat at once, as nsqd does in the handler.
/// </summary>
internal sealed partial class NsqdHttpApi
{
    private static readonly ApiResult TopicNotFound = ApiResult.Error(404, "TOPIC_NOT_FOUND");
    private static readonly ApiResult ChannelNotFound = ApiResult.Error(404, "CHANNEL_NOT_FOUND");
    private static readonly ApiResult MissingTopic = ApiResult.Error(400, "MISSING_ARG_TOPIC");
    private static readonly ApiResult InternalError = ApiResult.Error(500, "INTERNAL_ERROR");

    private ValueTask<ApiResult> TopicCreate(ApiRequest req) => new(GetTopicFromQuery(req, out _, out _) ?? ApiResult.Empty);

    /// <summary>No name validation: an invalid name is simply not found.</summary>
    private ValueTask<ApiResult> TopicDelete(ApiRequest req)
    {
        if (!req.TryGetQuery(out var q)) return new(ApiRequest.InvalidRequest);
        if (q.Get("topic") is not { } name) return new(MissingTopic);
        return new(_broker.DeleteTopic(name) ? ApiResult.Empty : TopicNotFound);
    }

    private ValueTask<ApiResult> TopicEmpty(ApiRequest req)
    {
        if (!req.TryGetQuery(out var q)) return new(ApiRequest.InvalidRequest);
        if (q.Get("topic") is not { } name) return new(MissingTopic);
        if (!Names.IsValid(name)) return new(ApiResult.Error(400, "INVALID_TOPIC"));
        if (_broker.FindTopic(name) is not { } topic) return new(TopicNotFound);
        try
        {
            topic.Empty();
        }
        catch (IOException)
        {
            return new(InternalError);
        }
        return new(ApiResult.Empty);
    }

    private ValueTask<ApiResult> TopicPause(ApiRequest req) => new(SetTopicPaused(req, true));
    private ValueTask<ApiResult> TopicUnpause(ApiRequest req) => new(SetTopicPaused(req, false));

    private ApiResult SetTopicPaused(ApiRequest req, bool paused)
    {
        if (!req.TryGetQuery(out var q)) return ApiRequest.InvalidRequest;
        if (q.Get("topic") is not { } name) return MissingTopic;
        if (_broker.FindTopic(name) is not { } topic) return TopicNotFound;
        topic.SetPaused(paused);
        _broker.PersistMetadata();
        return ApiResult.Empty;
    }

    private ValueTask<ApiResult> ChannelCreate(ApiRequest req)
    {
        if (GetExistingTopic(req, out var topic, out var channelName) is { } error) return new(error);
        try
        {
            topic!.GetOrCreateChannel(channelName!, out _);
        }
        catch (TopicExitingException)
        {
            return new(TopicNotFound);
        }
        return new(ApiResult.Empty);
    }

    private ValueTask<ApiResult> ChannelDelete(ApiRequest req)
    {
        if (GetExistingTopic(req, out var topic, out var channelName) is { } error) return new(error);
        return new(topic!.DeleteChannel(channelName!) ? ApiResult.Empty : ChannelNotFound);
    }

    private ValueTask<ApiResult> ChannelEmpty(ApiRequest req)
    {
        if (GetExistingTopic(req, out var topic, out var channelName) is { } error) return new(error);
        if (topic!.FindChannel(channelName!) is not { } channel) return new(ChannelNotFound);
        try
        {
            channel.Empty();
        }
        catch (IOException)
        {
            return new(InternalError);
        }
        return new(ApiResult.Empty);
    }

    private ValueTask<ApiResult> ChannelPause(ApiRequest req) => new(SetChannelPaused(req, true));
    private ValueTask<ApiResult> ChannelUnpause(ApiRequest req) => new(SetChannelPaused(req, false));

    private ApiResult SetChannelPaused(ApiRequest req, bool paused)
    {
        if (GetExistingTopic(req, out var topic, out var channelName) is { } error) return error;
        if (topic!.FindChannel(channelName!) is not { } channel) return ChannelNotFound;
        channel.SetPaused(paused);
        _broker.PersistMetadata();
        return ApiResult.Empty;
    }

    /// <summary>
    /// nsqd's getExistingTopicFromQuery: INVALID_REQUEST, then the topic/channel argument checks
    /// (MISSING_ARG_TOPIC, INVALID_ARG_TOPIC, MISSING_ARG_CHANNEL, INVALID_ARG_CHANNEL), then TOPIC_NOT_FOUND.
    /// </summary>
    private ApiResult? GetExistingTopic(ApiRequest req, out Topic? topic, out string? channelName)
    {
        topic = null;
        channelName = null;
        if (!req.TryGetQuery(out var q)) return ApiRequest.InvalidRequest;
        if (q.Get("topic") is not { } topicName) return MissingTopic;
        if (!Names.IsValid(topicName)) return ApiResult.Error(400, "INVALID_ARG_TOPIC");
        if (q.Get("channel") is not { } channel) return ApiResult.Error(400, "MISSING_ARG_CHANNEL");
        if (!Names.IsValid(channel)) return ApiResult.Error(400, "INVALID_ARG_CHANNEL");
        topic = _broker.FindTopic(topicName);
        if (topic is null) return TopicNotFound;
        channelName = channel;
        return null;
    }
}
