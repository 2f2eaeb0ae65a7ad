using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Nsq.Client;

/// <summary>
/// The traces and metrics of the NSQ client, after the OpenTelemetry messaging semantic conventions. Spans:
/// <c>send {topic}</c> (producer kind, around each PUB/MPUB/DPUB; its W3C context goes into every message's
/// <c>traceparent</c>/<c>tracestate</c> headers when the broker negotiated headers) and <c>process {topic}</c> (consumer
/// kind, around each RunAsync handler call; its parent is the message's creation context, which it also links). Subscribe
/// with <see cref="ActivitySourceName"/> and <see cref="MeterName"/> (the hosting package does it for you). With nothing
/// listening, publishing and consuming cost nothing extra.
/// </summary>
public static class NsqTelemetry
{
    /// <summary>The <see cref="ActivitySource"/> name.</summary>
    public const string ActivitySourceName = "Nsq.Client";

    /// <summary>The <see cref="Meter"/> name.</summary>
    public const string MeterName = "Nsq.Client";

    /// <summary>Counter of messages sent (PUB/MPUB/DPUB), by topic and operation; <c>error.type</c> when nsqd refused them. Unit <c>{message}</c>.</summary>
    public const string SentMessagesMetric = "messaging.client.sent.messages";

    /// <summary>Histogram of publish round trips (until nsqd's OK or the error). Unit <c>s</c>.</summary>
    public const string OperationDurationMetric = "messaging.client.operation.duration";

    /// <summary>Counter of messages handed to the application (RunAsync handlers, ConsumeAsync), by topic and channel. Unit <c>{message}</c>.</summary>
    public const string ConsumedMessagesMetric = "messaging.client.consumed.messages";

    /// <summary>Histogram of RunAsync handler durations, by topic, channel and <c>error.type</c>. Unit <c>s</c>.</summary>
    public const string ProcessDurationMetric = "messaging.process.duration";

    /// <summary>Counter of messages finished (FIN) after their handler returned. Unit <c>{message}</c>.</summary>
    public const string FinishedMetric = "nsq.client.messages.finished";

    /// <summary>Counter of messages requeued (REQ) because their handler threw. Unit <c>{message}</c>.</summary>
    public const string RequeuedMetric = "nsq.client.messages.requeued";

    /// <summary>The W3C trace-context header a send span's context travels in.</summary>
    public const string TraceParentHeader = "traceparent";

    /// <summary>The W3C vendor trace-state header.</summary>
    public const string TraceStateHeader = "tracestate";

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
    internal const string Send = "send";
    internal const string Process = "process";

    private static readonly string? s_version = typeof(NsqTelemetry).Assembly.GetName().Version?.ToString();

    internal static readonly ActivitySource Source = new(ActivitySourceName, s_version);

    private static readonly Meter s_meter = new(MeterName, s_version);

    internal static readonly Counter<long> SentMessages = s_meter.CreateCounter<long>(SentMessagesMetric, "{message}", "Messages sent to nsqd.");
    internal static readonly Histogram<double> OperationDuration = s_meter.CreateHistogram<double>(OperationDurationMetric, "s", "Publish round trips.");
    internal static readonly Counter<long> ConsumedMessages = s_meter.CreateCounter<long>(ConsumedMessagesMetric, "{message}", "Messages handed to the application.");
    internal static readonly Histogram<double> ProcessDuration = s_meter.CreateHistogram<double>(ProcessDurationMetric, "s", "Handler durations.");
    internal static readonly Counter<long> Finished = s_meter.CreateCounter<long>(FinishedMetric, "{message}", "Messages finished after their handler returned.");
    internal static readonly Counter<long> Requeued = s_meter.CreateCounter<long>(RequeuedMetric, "{message}", "Messages requeued because their handler threw.");

    /// <summary>True when anything listens to a publish: the one check on the publish path when nothing does.</summary>
    internal static bool PublishObserved => Source.HasListeners() || SentMessages.Enabled || OperationDuration.Enabled;

    /// <summary>True when anything listens to handling: the one check on the handler path when nothing does.</summary>
    internal static bool ProcessObserved
        => Source.HasListeners() || ConsumedMessages.Enabled || ProcessDuration.Enabled || Finished.Enabled || Requeued.Enabled;

    /// <summary>
    /// Starts a <c>process {topic}</c> span for one message handled outside RunAsync (e.g. read from ConsumeAsync): its
    /// parent is the message's creation context (its <c>traceparent</c> header) and it links to it. Dispose it when done.
    /// </summary>
    /// <returns>The span, or null when nothing listens.</returns>
    public static Activity? StartProcessActivity(NsqMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!Source.HasListeners()) return null;
        var hasParent = message.TryGetTraceContext(out var parent);
        var activity = Source.StartActivity(ActivityKind.Consumer, parent, links: hasParent ? [new ActivityLink(parent)] : null, name: Process + " " + message.Topic);
        if (activity is { IsAllDataRequested: true })
        {
            TagProcess(activity, message.Topic, message.Channel);
            activity.SetTag(MessageId, message.Id);
            activity.SetTag(BodySize, message.Body.Length);
            activity.SetTag(Attempts, message.Attempts);
        }
        return activity;
    }

    /// <summary>
    /// Starts a <c>process {topic}</c> span for a batch of messages handled together: it links every message's creation
    /// context and keeps the ambient parent (a batch has no single creation context). Dispose it when done.
    /// </summary>
    /// <returns>The span, or null when nothing listens or <paramref name="messages"/> is empty.</returns>
    public static Activity? StartProcessActivity(IReadOnlyList<NsqMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count == 0 || !Source.HasListeners()) return null;
        List<ActivityLink> links = [];
        foreach (var message in messages)
        {
            if (message.TryGetTraceContext(out var context)) links.Add(new ActivityLink(context));
        }
        var first = messages[0];
        var activity = Source.StartActivity(ActivityKind.Consumer, default(ActivityContext), links: links, name: Process + " " + first.Topic);
        if (activity is { IsAllDataRequested: true })
        {
            TagProcess(activity, first.Topic, first.Channel);
            activity.SetTag(BatchCount, messages.Count);
        }
        return activity;
    }

    private static void TagProcess(Activity activity, string topic, string channel)
    {
        activity.SetTag(MessagingSystem, Nsq);
        activity.SetTag(DestinationName, topic);
        activity.SetTag(ConsumerGroupName, channel);
        activity.SetTag(OperationType, Process);
        activity.SetTag(OperationName, Process);
    }

    /// <summary>Tags of one consumer's measurements (topic and channel).</summary>
    internal static TagList ConsumerTags(string topic, string channel) => new()
    {
        { MessagingSystem, Nsq },
        { DestinationName, topic },
        { ConsumerGroupName, channel },
        { OperationName, Process },
    };

    /// <summary>Records an exception on the span: error status, <c>error.type</c> and an exception event.</summary>
    internal static void SetError(Activity? activity, Exception exception, string errorType)
    {
        if (activity is null) return;
        activity.SetStatus(ActivityStatusCode.Error, exception.Message);
        activity.SetTag(ErrorType, errorType);
        activity.AddException(exception);
    }

    /// <summary>The <c>error.type</c> of a failure: nsqd's error code when it sent one, else the exception type.</summary>
    internal static string ErrorTypeOf(Exception exception)
        => exception is NsqException { Code.Length: > 0 } nsq ? nsq.Code : exception.GetType().FullName ?? exception.GetType().Name;
}
