namespace Nsq.Client;

/// <summary>
/// A delivered message with its body deserialized to <typeparamref name="T"/>. A struct over the raw
/// <see cref="NsqMessage"/>, so typing a message costs nothing beyond the body object itself.
/// </summary>
/// <typeparam name="T">The body type.</typeparam>
/// <param name="Raw">The underlying message: raw body bytes and the FIN/REQ/TOUCH answers.</param>
/// <param name="Body">The deserialized body.</param>
public readonly record struct NsqMessage<T>(NsqMessage Raw, T Body)
{
    /// <summary>The message ID (16 hex characters).</summary>
    public string Id => Raw.Id;

    /// <summary>How many times nsqd has delivered this message, this delivery included (1 the first time).</summary>
    public int Attempts => Raw.Attempts;

    /// <summary>When the message was published.</summary>
    public DateTimeOffset Timestamp => Raw.Timestamp;

    /// <summary>The headers the message was published with (<see cref="NsqHeaders.Empty"/> when none).</summary>
    public NsqHeaders Headers => Raw.Headers;

    /// <summary>The raw body bytes.</summary>
    public ReadOnlyMemory<byte> RawBody => Raw.Body;

    /// <summary>True once the message was finished or requeued.</summary>
    public bool HasResponded => Raw.HasResponded;

    /// <summary>FIN: the message is done.</summary>
    public ValueTask FinishAsync(CancellationToken cancellationToken = default) => Raw.FinishAsync(cancellationToken);

    /// <summary>REQ: deliver again after <paramref name="delay"/>; starts the consumer's backoff.</summary>
    public ValueTask RequeueAsync(TimeSpan delay = default, CancellationToken cancellationToken = default) => Raw.RequeueAsync(delay, cancellationToken);

    /// <summary>TOUCH: resets the message's timeout on nsqd, for long work.</summary>
    public ValueTask TouchAsync(CancellationToken cancellationToken = default) => Raw.TouchAsync(cancellationToken);
}
