namespace Nsq.Client.Hosting;

/// <summary>
/// Publishes through the registered <see cref="NsqProducer"/>, which gives each publish a <c>send {topic}</c> span, the
/// publish metrics and (when nsqd negotiated headers) the span's trace context in the messages' headers
/// (<see cref="NsqTelemetry"/>). An interface to inject and to fake in tests. Each call completes when nsqd
/// acknowledged the message(s); headers travel when nsqd negotiated them and are dropped otherwise.
/// </summary>
public interface INsqPublisher
{
    /// <summary>PUB of a typed message, serialized with the producer's serializer.</summary>
    /// <exception cref="NsqException">nsqd refused it or no nsqd is reachable.</exception>
    ValueTask PublishAsync<T>(string topic, T message, CancellationToken cancellationToken = default);

    /// <summary>PUB of a typed message with headers.</summary>
    /// <exception cref="NsqException">nsqd refused it or no nsqd is reachable.</exception>
    ValueTask PublishAsync<T>(string topic, T message, NsqHeaders? headers, CancellationToken cancellationToken = default);

    /// <summary>PUB of a raw body.</summary>
    /// <exception cref="NsqException">nsqd refused it or no nsqd is reachable.</exception>
    ValueTask PublishAsync(string topic, ReadOnlyMemory<byte> body, CancellationToken cancellationToken = default);

    /// <summary>PUB of a raw body with headers.</summary>
    /// <exception cref="NsqException">nsqd refused it or no nsqd is reachable.</exception>
    ValueTask PublishAsync(string topic, ReadOnlyMemory<byte> body, NsqHeaders? headers, CancellationToken cancellationToken = default);

    /// <summary>MPUB: several raw bodies, atomically.</summary>
    /// <exception cref="NsqException">nsqd refused them or no nsqd is reachable.</exception>
    ValueTask MultiPublishAsync(string topic, IReadOnlyList<ReadOnlyMemory<byte>> bodies, CancellationToken cancellationToken = default);

    /// <summary>MPUB of typed messages with optional headers (the same on every message).</summary>
    /// <exception cref="NsqException">nsqd refused them or no nsqd is reachable.</exception>
    ValueTask MultiPublishAsync<T>(string topic, IReadOnlyList<T> messages, NsqHeaders? headers, CancellationToken cancellationToken = default);

    /// <summary>DPUB: a raw body nsqd delivers after <paramref name="delay"/>.</summary>
    /// <exception cref="NsqException">nsqd refused it or no nsqd is reachable.</exception>
    ValueTask DeferredPublishAsync(string topic, ReadOnlyMemory<byte> body, TimeSpan delay, CancellationToken cancellationToken = default);

    /// <summary>DPUB of a typed message with optional headers.</summary>
    /// <exception cref="NsqException">nsqd refused it or no nsqd is reachable.</exception>
    ValueTask DeferredPublishAsync<T>(string topic, T message, TimeSpan delay, NsqHeaders? headers, CancellationToken cancellationToken = default);
}
