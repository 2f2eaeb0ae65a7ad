using System.Diagnostics;
using Nsqd.Core.Topics;

namespace Nsqd.Core.Telemetry;

/// <summary>
/// The broker's traces: one activity per publish command (TCP PUB/MPUB/DPUB, HTTP /pub and /mpub) and one per batch the
/// delivery pump writes to a consumer. With no listener attached <see cref="ActivitySource.StartActivity(string, ActivityKind)"/>
/// returns null before allocating anything, and no tag is computed.
/// </summary>
internal static class NsqdTelemetry
{
    public const string Name = "Nsqd";

    public static readonly ActivitySource Source = new(Name, NsqdOptions.Version);

    /// <summary>Null (and free) unless a listener samples it; the batch's bytes are summed only then.</summary>
    public static Activity? StartPublish(string operation, Topic topic, ReadOnlySpan<Message> messages)
    {
        if (!Source.HasListeners()) return null;
        var activity = Source.StartActivity(operation, ActivityKind.Server);
        if (activity is null) return null;
        long bytes = 0;
        foreach (var m in messages) bytes += m.BodyLength;
        activity.SetTag("messaging.system", "nsq");
        activity.SetTag("messaging.operation.type", "send");
        activity.SetTag("messaging.destination.name", topic.Name);
        activity.SetTag("nsq.topic", topic.Name);
        activity.SetTag("messaging.batch.message_count", messages.Length);
        activity.SetTag("nsq.message_bytes", bytes);
        return activity;
    }

    /// <summary>One delivered batch (the pump's <c>TakeForClient</c> result).</summary>
    public static Activity? StartDeliver(Channel channel, ReadOnlySpan<Message> batch)
    {
        if (!Source.HasListeners()) return null;
        var activity = Source.StartActivity("deliver", ActivityKind.Producer);
        if (activity is null) return null;
        long bytes = 0;
        foreach (var m in batch) bytes += m.BodyLength;
        activity.SetTag("messaging.system", "nsq");
        activity.SetTag("messaging.operation.type", "deliver");
        activity.SetTag("messaging.destination.name", channel.Topic.Name);
        activity.SetTag("nsq.topic", channel.Topic.Name);
        activity.SetTag("nsq.channel", channel.Name);
        activity.SetTag("messaging.batch.message_count", batch.Length);
        activity.SetTag("nsq.message_bytes", bytes);
        return activity;
    }
}
