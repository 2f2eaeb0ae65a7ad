namespace Nsq.Client;

/// <summary>
/// Handles typed messages of one topic/channel (MassTransit's <c>IConsumer&lt;T&gt;</c> shape). Resolved from a fresh DI
/// scope per message. Returning finishes the message (FIN); throwing requeues it (REQ) for another attempt.
/// </summary>
/// <typeparam name="T">The message body type, deserialized with the consumer's serializer.</typeparam>
public interface INsqHandler<T>
{
    /// <summary>Handles one message.</summary>
    /// <param name="message">The typed message.</param>
    /// <param name="cancellationToken">Cancelled when the host is stopping.</param>
    Task HandleAsync(NsqMessage<T> message, CancellationToken cancellationToken);
}
