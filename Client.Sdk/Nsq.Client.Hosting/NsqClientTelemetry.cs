using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Nsq.Client.Hosting;

/// <summary>
/// The traces and metrics of the hosted NSQ clients, named after the OpenTelemetry messaging semantic conventions.
/// Spans: <c>send {topic}</c> (producer kind, around each publish) and <c>process {topic}</c> (consumer kind, around each
/// handler call), tagged <c>messaging.system=nsq</c>, <c>messaging.destination.name</c>,
/// <c>messaging.consumer.group.name</c> (the channel), <c>messaging.message.id</c>, <c>messaging.operation.*</c>.
/// Metrics: see the <c>*Metric</c> constants. Subscribe with <see cref="ActivitySourceName"/> and <see cref="MeterName"/>
/// (the Aspire integration does it for you).
/// </summary>
public static class NsqClientTelemetry
{
    /// <summary>The <see cref="ActivitySource"/> name.</summary>
    public const string ActivitySourceName = "Nsq.Client.Hosting";

    /// <summary>The <see cref="Meter"/> name.</summary>
    public const string MeterName = "Nsq.Client.Hosting";

    /// <summary>Counter of messages nsqd acknowledged (PUB/MPUB/DPUB), by topic.</summary>
    public const string PublishedMetric = "messaging.client.sent.messages";

    /// <summary>Histogram of publish round trips in seconds (until nsqd's OK or the error).</summary>
    public const string PublishDurationMetric = "messaging.client.operation.duration";

    /// <summary>Counter of messages handed to a handler, by topic and channel.</summary>
    public const string ReceivedMetric = "messaging.client.consumed.messages";

    /// <summary>Histogram of handler durations in seconds, by topic, channel and error.type.</summary>
    public const string ProcessDurationMetric = "messaging.process.duration";

    /// <summary>Counter of messages finished (FIN) after their handler returned.</summary>
    public const string FinishedMetric = "nsq.client.messages.finished";

    /// <summary>Counter of messages requeued (REQ) because their handler threw.</summary>
    public const string RequeuedMetric = "nsq.client.messages.requeued";

    internal const string MessagingSystem = "messaging.system";
    internal const string DestinationName = "messaging.destination.name";
    internal const string ConsumerGroupName = "messaging.consumer.group.name";
    internal const string OperationType = "messaging.operation.type";
    internal const string OperationName = "messaging.operation.name";
    internal const string MessageId = "messaging.message.id";
    internal const string BatchCount = "messaging.batch.message_count";
    internal const string BodySize = "messaging.message.body.size";
    internal const string Attempts = "messaging.nsq.message.attempts";
    internal const string ErrorType = "error.type";
    internal const string Nsq = "nsq";

    internal static readonly ActivitySource Source = new(ActivitySourceName, typeof(NsqClientTelemetry).Assembly.GetName().Version?.ToString());

    private static readonly Meter s_meter = new(MeterName, typeof(NsqClientTelemetry).Assembly.GetName().Version?.ToString());

    internal static readonly Counter<long> Published = s_meter.CreateCounter<long>(PublishedMetric, "{message}", "Messages nsqd acknowledged.");
    internal static readonly Histogram<double> PublishDuration = s_meter.CreateHistogram<double>(PublishDurationMetric, "s", "Publish round trips.");
    internal static readonly Counter<long> Received = s_meter.CreateCounter<long>(ReceivedMetric, "{message}", "Messages handed to a handler.");
    internal static readonly Histogram<double> ProcessDuration = s_meter.CreateHistogram<double>(ProcessDurationMetric, "s", "Handler durations.");
    internal static readonly Counter<long> Finished = s_meter.CreateCounter<long>(FinishedMetric, "{message}", "Messages finished after their handler returned.");
    internal static readonly Counter<long> Requeued = s_meter.CreateCounter<long>(RequeuedMetric, "{message}", "Messages requeued because their handler threw.");

    /// <summary>Tags shared by every measurement of one consumer (topic and channel).</summary>
    internal static TagList ConsumerTags(string topic, string channel) => new()
    {
        { MessagingSystem, Nsq },
        { DestinationName, topic },
        { ConsumerGroupName, channel },
    };

    /// <summary>Tags of one publish (topic).</summary>
    internal static TagList PublishTags(string topic) => new()
    {
        { MessagingSystem, Nsq },
        { DestinationName, topic },
        { OperationName, "publish" },
    };

    /// <summary>Records an exception on the span: error status, <c>error.type</c> and an exception event.</summary>
    internal static void SetError(Activity? activity, Exception exception)
    {
        if (activity is null) return;
        activity.SetStatus(ActivityStatusCode.Error, exception.Message);
        activity.SetTag(ErrorType, exception.GetType().FullName);
        activity.AddException(exception);
    }
}
