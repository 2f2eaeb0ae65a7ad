using System.Diagnostics;
using System.Text;
using Nsq.Protocol.V2;
using Nsqd.Core.Topics;

namespace Nsqd.Core.Telemetry;

/// <summary>
/// The creation context a publisher put in a message's <c>traceparent</c>/<c>tracestate</c> headers (W3C trace context,
/// docs/message-headers.md). Read only for spans that are recorded: it costs two header walks and two small strings.
/// </summary>
internal static class MessageTraceContext
{
    /// <summary>The most links one span gets: an MPUB or a delivered batch can carry thousands of messages, and a
    /// backend would store every link (OpenTelemetry's default span limit is 128 as well).</summary>
    public const int MaxLinks = 128;

    /// <summary>The remote context of <paramref name="message"/>; false when it has no valid <c>traceparent</c>.</summary>
    public static bool TryGet(Message message, out ActivityContext context)
    {
        context = default;
        if (!message.HasHeaders) return false;
        var headers = message.Headers;
        if (!MessageHeaders.TryGetValue(headers, "traceparent"u8, out var parent) || parent.IsEmpty) return false;
        // A traceparent is 55 ASCII characters (version 00); anything much longer is not one, and not worth a string.
        if (parent.Length > 128) return false;
        var state = MessageHeaders.TryGetValue(headers, "tracestate"u8, out var s) && !s.IsEmpty ? Encoding.ASCII.GetString(s) : null;
        return ActivityContext.TryParse(Encoding.ASCII.GetString(parent), state, isRemote: true, out context);
    }

    /// <summary>Links <paramref name="activity"/> to the contexts of up to <see cref="MaxLinks"/> messages; returns how
    /// many messages carried one (counting past the cap), so the span can say that links were left out.</summary>
    public static int AddLinks(Activity activity, ReadOnlySpan<Message> messages)
    {
        var found = 0;
        foreach (var m in messages)
        {
            if (!TryGet(m, out var context)) continue;
            if (found++ < MaxLinks) activity.AddLink(new ActivityLink(context));
        }
        return found;
    }
}
