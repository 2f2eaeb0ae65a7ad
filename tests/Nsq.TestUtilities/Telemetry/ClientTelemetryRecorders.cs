using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Nsq.Client;

namespace Nsq.TestUtilities.Telemetry;

/// <summary>Every span of the client's ActivitySource on <paramref name="topic"/> (by its destination tag), once stopped.</summary>
public sealed class SpanRecorder : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<Activity> _stopped = new();

    public SpanRecorder(string topic)
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == NsqTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                if (Equals(a.GetTagItem("messaging.destination.name"), topic)) _stopped.Enqueue(a);
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public List<Activity> Named(string name) => [.. _stopped.Where(a => a.DisplayName == name)];

    public void Dispose() => _listener.Dispose();
}

/// <summary>Every measurement of the client's Meter on <paramref name="topic"/>, with its instrument's unit.</summary>
public sealed class MetricRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(string Name, string? Unit, double Value, KeyValuePair<string, object?>[] Tags)> _measurements = new();

    public MetricRecorder(string topic)
    {
        _listener.InstrumentPublished = (i, l) =>
        {
            if (i.Meter.Name == NsqTelemetry.MeterName) l.EnableMeasurementEvents(i);
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags, topic));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags, topic));
        _listener.Start();
    }

    private void Record(Instrument i, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags, string topic)
    {
        var copy = tags.ToArray();
        if (copy.Any(t => t.Key == "messaging.destination.name" && Equals(t.Value, topic))) _measurements.Enqueue((i.Name, i.Unit, value, copy));
    }

    public double Sum(string name) => _measurements.Where(m => m.Name == name).Sum(m => m.Value);

    public int Count(string name) => _measurements.Count(m => m.Name == name);

    public string? Unit(string name) => _measurements.FirstOrDefault(m => m.Name == name).Unit;

    public IEnumerable<object?> TagValues(string name, string tag)
        => _measurements.Where(m => m.Name == name).Select(m => m.Tags.FirstOrDefault(t => t.Key == tag).Value);

    public void Dispose() => _listener.Dispose();
}
