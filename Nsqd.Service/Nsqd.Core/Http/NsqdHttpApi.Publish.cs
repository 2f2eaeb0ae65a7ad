using System.Buffers.Binary;
using System.Globalization;
using Nsq.Protocol;
using Nsq.Protocol.Http;
using NsqAspire.Daemon.Http;
using Nsqd.Core.Topics;

namespace Nsqd.Core.Http;

/// <summary>Spec §3.2 "/pub details" and "/mpub details": nsqd's order of checks, status codes and texts.</summary>
internal sealed partial class NsqdHttpApi
{
    private static readonly ApiResult Exiting = ApiResult.Error(503, "EXITING");

    private async ValueTask<ApiResult> PubAsync(ApiRequest req)
    {
        var request = req.Context.Request;
        var max = _broker.Options.MaxMsgSize;
        if (request.ContentLength > max) return ApiResult.Error(413, "MSG_TOO_BIG");
        var body = await RequestBody.ReadMessageAsync(request, max).ConfigureAwait(false);
        if (body is null) return ApiResult.Error(413, "MSG_TOO_BIG");
        if (body.Length == 0) return ApiResult.Error(400, "MSG_EMPTY");

        var error = GetTopicFromQuery(req, out var query, out var topic);
        if (error is not null) return error.Value;

        long deferMs = 0;
        if (query.Get("defer") is { } ds)
        {
            if (!long.TryParse(ds, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out deferMs)
                || deferMs < 0 || deferMs > long.MaxValue / TimeSpan.TicksPerMillisecond
                || deferMs * TimeSpan.TicksPerMillisecond > _broker.Options.MaxDeferTimeout.Ticks)
                return ApiResult.Error(400, "INVALID_DEFER");
        }

        if (!HttpMessageHeaders.TryBuild(request, _broker.Options, out var headers)) return HttpMessageHeaders.BadHeaders;
        var message = topic!.NewMessage(headers, body, deferMs, Infrastructure.Clock.UnixNanos);
        return await CommitAsync(Publish(topic, new ReadOnlySpan<Message>(ref message))).ConfigureAwait(false);
    }

    private async ValueTask<ApiResult> MpubAsync(ApiRequest req)
    {
        var request = req.Context.Request;
        var options = _broker.Options;
        if (request.ContentLength > options.MaxBodySize) return ApiResult.Error(413, "BODY_TOO_BIG");

        var error = GetTopicFromQuery(req, out var query, out var topic);
        if (error is not null) return error.Value;

        // Text mode is the default; any value other than true/1/false/0 means binary (deprecated, spec A.2 item 9).
        var binary = query.Get("binary") is { } b && (GoQuery.ParseBool(b) ?? true);
        // The same headers go on every message of the batch.
        if (!HttpMessageHeaders.TryBuild(request, options, out var headers)) return HttpMessageHeaders.BadHeaders;

        using var body = await RequestBody.ReadPooledAsync(request, options.MaxBodySize).ConfigureAwait(false);
        var messages = new List<Message>();
        var parseError = binary
            ? ParseBinary(body, topic!, headers, options.MaxMsgSize, options.MaxBodySize, messages)
            : ParseText(body, topic!, headers, options.MaxMsgSize, messages);
        if (parseError is not null) return ApiResult.Error(413, parseError);
        return await CommitAsync(Publish(topic!, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(messages), "HTTP mpub"))
            .ConfigureAwait(false);
    }

    /// <summary>--durability=durable: a successful publish is answered 200 only once the group commit fsynced it.</summary>
    private async ValueTask<ApiResult> CommitAsync(ApiResult result)
    {
        if (_broker.Commit is not { } commit || !ReferenceEquals(result.Body, ApiResult.Ok.Body)) return result;
        try
        {
            await commit.WaitAsync(commit.Request()).ConfigureAwait(false);
            return result;
        }
        catch (IOException ex)
        {
            _broker.SetHealth(ex.Message);
            return ApiResult.Error(500, "INTERNAL_ERROR");
        }
    }

    /// <summary>One message per <c>\n</c>-terminated line; a trailing <c>\r</c> stays; empty lines are skipped.</summary>
    private static string? ParseText(PooledBody body, Topic topic, byte[]? headers, int maxMsgSize, List<Message> messages)
    {
        var data = body.Span;
        var pos = 0;
        while (true)
        {
            var rest = data[pos..];
            var nl = rest.IndexOf((byte)'\n');
            var blockLength = nl < 0 ? rest.Length : nl + 1;
            // nsqd reads through a max-body-size+1 limit: the block that reaches the limit is BODY_TOO_BIG, lines before it
            // are still checked (so an earlier over-long line answers MSG_TOO_BIG).
            if (body.Exceeded && pos + blockLength == data.Length) return "BODY_TOO_BIG";
            var line = rest[..(nl < 0 ? rest.Length : nl)];
            pos += blockLength;
            if (line.Length > 0)
            {
                if (line.Length > maxMsgSize) return "MSG_TOO_BIG";
                messages.Add(topic.NewMessage(headers, line, 0, Infrastructure.Clock.UnixNanos));
            }
            if (nl < 0) return null;
        }
    }

    /// <summary>
    /// <c>[int32 count][int32 size][bytes]...</c> (no leading body size). Errors are TCP MPUB's codes without <c>E_</c>:
    /// BAD_BODY for the count, BAD_MESSAGE for a size or a truncated body.
    /// </summary>
    private static string? ParseBinary(PooledBody body, Topic topic, byte[]? headers, int maxMsgSize, int maxBodySize, List<Message> messages)
    {
        var data = body.Span;
        var truncated = body.Exceeded ? "BODY_TOO_BIG" : null;
        if (data.Length < 4) return truncated ?? "BAD_BODY";
        var count = BinaryPrimitives.ReadInt32BigEndian(data);
        var maxMessages = (maxBodySize - 4L) / 5;
        if (count <= 0 || count > maxMessages) return "BAD_BODY";
        var pos = 4;
        for (var i = 0; i < count; i++)
        {
            if (data.Length - pos < 4) return truncated ?? "BAD_MESSAGE";
            var size = BinaryPrimitives.ReadInt32BigEndian(data[pos..]);
            pos += 4;
            if (size <= 0 || size > maxMsgSize) return "BAD_MESSAGE";
            if (data.Length - pos < size) return truncated ?? "BAD_MESSAGE";
            messages.Add(topic.NewMessage(headers, data.Slice(pos, size), 0, Infrastructure.Clock.UnixNanos));
            pos += size;
        }
        return null;
    }

    private ApiResult Publish(Topic topic, ReadOnlySpan<Message> messages, string operation = "HTTP pub")
    {
        if (messages.IsEmpty) return ApiResult.Ok;
        using var activity = Telemetry.NsqdTelemetry.StartPublish(operation, topic, messages);
        try
        {
            topic.PutBatch(messages);
            return ApiResult.Ok;
        }
        catch (TopicExitingException)
        {
            return Exiting;
        }
        catch (IOException ex)
        {
            _broker.SetHealth(ex.Message);
            return Exiting;
        }
    }

    /// <summary>
    /// nsqd's getTopicFromQuery: INVALID_REQUEST, MISSING_ARG_TOPIC, INVALID_TOPIC (not INVALID_ARG_TOPIC), then the topic
    /// is created. Null when the topic is ready.
    /// </summary>
    private ApiResult? GetTopicFromQuery(ApiRequest req, out GoQuery query, out Topic? topic)
    {
        topic = null;
        if (!req.TryGetQuery(out query)) return ApiRequest.InvalidRequest;
        var name = query.Get("topic");
        if (name is null) return ApiResult.Error(400, "MISSING_ARG_TOPIC");
        if (!Names.IsValid(name)) return ApiResult.Error(400, "INVALID_TOPIC");
        try
        {
            topic = _broker.GetOrCreateTopic(name);
        }
        catch (TopicExitingException)
        {
            return Exiting;
        }
        return null;
    }
}
