namespace Nsq.Client;

/// <summary>
/// Handles the typed messages of one topic/channel. Returning finishes the message (FIN); throwing requeues it (REQ with
/// the consumer's requeue delay, and backoff) unless the handler answered it itself.
/// </summary>
/// <typeparam name="T">The body type, deserialized with the consumer's serializer.</typeparam>
public interface INsqHandler<T>
{
    /// <summary>Handles one message.</summary>
    /// <param name="message">The typed message.</param>
    /// <param name="cancellationToken">Cancelled when the consumer is stopping.</param>
    Task HandleAsync(NsqMessage<T> message, CancellationToken cancellationToken);
}
