namespace Nsq.Client.Hosting;

/// <summary>
/// The names the hosting package registers with OpenTelemetry. The spans and metrics themselves come from the client
/// (<see cref="NsqTelemetry"/>, where they are documented); these constants equal its names and stay for code written
/// against this class.
/// </summary>
public static class NsqClientTelemetry
{
    /// <summary>The ActivitySource name (<see cref="NsqTelemetry.ActivitySourceName"/>).</summary>
    public const string ActivitySourceName = NsqTelemetry.ActivitySourceName;

    /// <summary>The Meter name (<see cref="NsqTelemetry.MeterName"/>).</summary>
    public const string MeterName = NsqTelemetry.MeterName;

    /// <summary>Counter of messages sent (<see cref="NsqTelemetry.SentMessagesMetric"/>).</summary>
    public const string PublishedMetric = NsqTelemetry.SentMessagesMetric;

    /// <summary>Histogram of publish round trips in seconds (<see cref="NsqTelemetry.OperationDurationMetric"/>).</summary>
    public const string PublishDurationMetric = NsqTelemetry.OperationDurationMetric;

    /// <summary>Counter of messages handed to the application (<see cref="NsqTelemetry.ConsumedMessagesMetric"/>).</summary>
    public const string ReceivedMetric = NsqTelemetry.ConsumedMessagesMetric;

    /// <summary>Histogram of handler durations in seconds (<see cref="NsqTelemetry.ProcessDurationMetric"/>).</summary>
    public const string ProcessDurationMetric = NsqTelemetry.ProcessDurationMetric;

    /// <summary>Counter of messages finished after their handler returned (<see cref="NsqTelemetry.FinishedMetric"/>).</summary>
    public const string FinishedMetric = NsqTelemetry.FinishedMetric;

    /// <summary>Counter of messages requeued because their handler threw (<see cref="NsqTelemetry.RequeuedMetric"/>).</summary>
    public const string RequeuedMetric = NsqTelemetry.RequeuedMetric;
}
