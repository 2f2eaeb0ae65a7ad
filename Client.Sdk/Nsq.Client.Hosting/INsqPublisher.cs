namespace Nsq.Client.Hosting;

/// <summary>
/// Publishes through the registered <see cref="NsqProducer"/> with a <c>send {topic}</c> span and the publish metrics of
/// <see cref="NsqClientTelemetry"/>. Inject this rather than the producer to get telemetry (and an interface to fake
/// in tests). Each call completes when nsqd acknowledged the message(s).
/// </summary>
public interface INsqPublisher
{
    /// <summary>PUB of a typed message, serialized with the producer's serializer.</summary>
    /// <exception cref="NsqException">nsqd refused it or no nsqd is reachable.</exception>
    Task PublishAsync<T>(string topic, T message, CancellationToken cancellationToken = default);

    /// <summary>PUB of a raw body.</summary>
    /// <exception cref="NsqException">nsqd refused it or no nsqd is reachable.</exception>
    Task PublishAsync(string topic, ReadOnlyMemory<byte> body, CancellationToken cancellationToken = default);

    /// <summary>MPUB: several raw bodies, atomically.</summary>
    /// <exception cref="NsqException">nsqd refused them or no nsqd is reachable.</exception>
    Task MultiPublishAsync(string topic, IReadOnlyList<ReadOnlyMemory<byte>> bodies, CancellationToken cancellationToken = default);

    /// <summary>DPUB: a raw body nsqd delivers after <paramref name="delay"/>.</summary>
    /// <exception cref="NsqException">nsqd refused it or no nsqd is reachable.</exception>
    Task DeferredPublishAsync(string topic, ReadOnlyMemory<byte> body, TimeSpan delay, CancellationToken cancellationToken = default);
}
