namespace Nsq.Client.Hosting;

/// <summary>The <see cref="INsqPublisher"/> over the registered producer (the producer does the tracing and metrics).</summary>
internal sealed class NsqPublisher(NsqProducer producer) : INsqPublisher
{
    public ValueTask PublishAsync<T>(string topic, T message, CancellationToken cancellationToken = default)
        => producer.PublishAsync(topic, message, cancellationToken);

    public ValueTask PublishAsync<T>(string topic, T message, NsqHeaders? headers, CancellationToken cancellationToken = default)
        => producer.PublishAsync(topic, message, headers, cancellationToken);

    public ValueTask PublishAsync(string topic, ReadOnlyMemory<byte> body, CancellationToken cancellationToken = default)
        => producer.PublishAsync(topic, body, cancellationToken);

    public ValueTask PublishAsync(string topic, ReadOnlyMemory<byte> body, NsqHeaders? headers, CancellationToken cancellationToken = default)
        => producer.PublishAsync(topic, body, headers, cancellationToken);

    public ValueTask MultiPublishAsync(string topic, IReadOnlyList<ReadOnlyMemory<byte>> bodies, CancellationToken cancellationToken = default)
        => producer.MultiPublishAsync(topic, bodies, cancellationToken);

    public ValueTask MultiPublishAsync<T>(string topic, IReadOnlyList<T> messages, NsqHeaders? headers, CancellationToken cancellationToken = default)
        => producer.MultiPublishAsync(topic, messages, headers, cancellationToken);

    public ValueTask DeferredPublishAsync(string topic, ReadOnlyMemory<byte> body, TimeSpan delay, CancellationToken cancellationToken = default)
        => producer.DeferredPublishAsync(topic, body, delay, cancellationToken);

    public ValueTask DeferredPublishAsync<T>(string topic, T message, TimeSpan delay, NsqHeaders? headers, CancellationToken cancellationToken = default)
        => producer.DeferredPublishAsync(topic, message, delay, headers, cancellationToken);
}
