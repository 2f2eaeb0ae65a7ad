using System.Diagnostics;
using Nsq.Protocol.V2;
using Nsqd.Core.Topics;

namespace Nsqd.Core.Telemetry;

/// <summary>
/// The broker's traces (docs/broker.md, "Telemetry"): one activity per publish command (TCP PUB/MPUB/DPUB, HTTP /pub and
/// /mpub) and one per batch the delivery pump writes to a consumer, joined to the publishers' traces through the
/// messages' <c>traceparent</c> headers. With no listener attached nothing is allocated, no header is read and no tag is
/// computed; links and tags are added only to activities that are recorded.
/// </summary>
internal static class NsqdTelemetry
{
    public const string Name = "Nsqd";

    public static readonly ActivitySource Source = new(Name, NsqdOptions.Version);

    /// <summary>
    /// Null (and free) unless a listener samples it. One message published outside any other span (TCP PUB and DPUB) is
    /// a child of the message's creation context, so the publisher's <c>send</c>, this span and the consumers'
    /// <c>process</c> form one trace; inside a request span (HTTP /pub, whose server span already continues the request's
    /// traceparent) it stays that span's child. A batch links every message's context instead (up to
    /// <see cref="MessageTraceContext.MaxLinks"/>): it has many parents and can have one only.
    /// </summary>
    public static Activity? StartPublish(string operation, Topic topic, ReadOnlySpan<Message> messages)
    {
        if (!Source.HasListeners()) return null;
        var single = messages.Length == 1;
        ActivityContext parent = default;
        // The parent takes part in the sampling decision, so it is read before the activity exists (with a listener only).
        if (single && Activity.Current is null) MessageTraceContext.TryGet(messages[0], out parent);
        var activity = Source.StartActivity(operation, ActivityKind.Server, parent);
        if (activity is null) return null;
        if (!activity.IsAllDataRequested) return activity;

        long bytes = 0;
        foreach (var m in messages) bytes += m.BodyLength;
        SetCommonTags(activity, topic.Name, "send", operation, messages.Length, bytes);
        if (single)
        {
            activity.SetTag("messaging.message.id", MessageId.ToString(messages[0].Id));
            activity.SetTag("messaging.message.body.size", messages[0].BodyLength);
        }
        else
        {
            SetLinks(activity, messages);
        }
        return activity;
    }

    /// <summary>One delivered batch (the pump's <c>TakeForClient</c> result), linked to each message's creation context.</summary>
    public static Activity? StartDeliver(Channel channel, ReadOnlySpan<Message> batch)
    {
        if (!Source.HasListeners()) return null;
        var activity = Source.StartActivity("deliver", ActivityKind.Producer);
        if (activity is null) return null;
        if (!activity.IsAllDataRequested) return activity;

        long bytes = 0;
        foreach (var m in batch) bytes += m.BodyLength;
        SetCommonTags(activity, channel.Topic.Name, "deliver", "deliver", batch.Length, bytes);
        activity.SetTag("messaging.consumer.group.name", channel.Name);
        activity.SetTag("nsq.channel", channel.Name);
        if (batch.Length == 1) activity.SetTag("messaging.message.id", MessageId.ToString(batch[0].Id));
        SetLinks(activity, batch);
        return activity;
    }

    private static void SetCommonTags(Activity activity, string topic, string type, string operation, int count, long bytes)
    {
        activity.SetTag("messaging.system", "nsq");
        activity.SetTag("messaging.operation.type", type);
        activity.SetTag("messaging.operation.name", operation);
        activity.SetTag("messaging.destination.name", topic);
        activity.SetTag("nsq.topic", topic);
        activity.SetTag("messaging.batch.message_count", count);
        activity.SetTag("nsq.message_bytes", bytes);
    }

    private static void SetLinks(Activity activity, ReadOnlySpan<Message> messages)
    {
        var traced = MessageTraceContext.AddLinks(activity, messages);
        // Say so when the cap cut links off: a reader would otherwise take the links for the whole batch.
        if (traced > MessageTraceContext.MaxLinks) activity.SetTag("nsq.links_dropped", traced - MessageTraceContext.MaxLinks);
    }
}
