using System.Diagnostics;

namespace Nsq.Client.Hosting;

/// <summary>The traced <see cref="INsqPublisher"/> over the registered producer.</summary>
internal sealed class NsqPublisher(NsqProducer producer) : INsqPublisher
{
    // The producer's own typed publish serializes into its pooled buffers; the body size is not known here.
    public Task PublishAsync<T>(string topic, T message, CancellationToken cancellationToken = default)
        => TraceAsync(topic, 1, -1, static (p, s, ct) => p.PublishAsync(s.topic, s.message, ct), (topic, message), cancellationToken);

    public Task PublishAsync(string topic, ReadOnlyMemory<byte> body, CancellationToken cancellationToken = default)
        => TraceAsync(topic, 1, body.Length, static (p, s, ct) => p.PublishAsync(s.topic, s.body, ct), (topic, body), cancellationToken);

    public Task MultiPublishAsync(string topic, IReadOnlyList<ReadOnlyMemory<byte>> bodies, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bodies);
        return TraceAsync(topic, bodies.Count, -1, static (p, s, ct) => p.MultiPublishAsync(s.topic, s.bodies, ct), (topic, bodies), cancellationToken);
    }

    public Task DeferredPublishAsync(string topic, ReadOnlyMemory<byte> body, TimeSpan delay, CancellationToken cancellationToken = default)
        => TraceAsync(topic, 1, body.Length, static (p, s, ct) => p.DeferredPublishAsync(s.topic, s.body, s.delay, ct), (topic, body, delay), cancellationToken);

    private async Task TraceAsync<TState>(string topic, int count, int bodySize, Func<NsqProducer, TState, CancellationToken, Task> publish,
        TState state, CancellationToken cancellationToken)
    {
        var tags = NsqClientTelemetry.PublishTags(topic);
        using var activity = NsqClientTelemetry.Source.StartActivity($"send {topic}", ActivityKind.Producer);
        if (activity is not null)
        {
            foreach (var tag in tags) activity.SetTag(tag.Key, tag.Value);
            activity.SetTag(NsqClientTelemetry.OperationType, "send");
            if (count > 1) activity.SetTag(NsqClientTelemetry.BatchCount, count);
            if (bodySize >= 0) activity.SetTag(NsqClientTelemetry.BodySize, bodySize);
        }
        var started = Stopwatch.GetTimestamp();
        try
        {
            await publish(producer, state, cancellationToken).ConfigureAwait(false);
            NsqClientTelemetry.Published.Add(count, tags);
        }
        catch (Exception ex)
        {
            NsqClientTelemetry.SetError(activity, ex);
            tags.Add(NsqClientTelemetry.ErrorType, ex is NsqException { Code.Length: > 0 } nsq ? nsq.Code : ex.GetType().FullName);
            throw;
        }
        finally
        {
            NsqClientTelemetry.PublishDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
        }
    }
}
