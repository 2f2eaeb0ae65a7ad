namespace Nsq.Client;

/// <summary>A delivered message with its body deserialized to <typeparamref name="T"/>.</summary>
/// <typeparam name="T">The body type.</typeparam>
public sealed class NsqMessage<T>
{
    /// <summary>Wraps <paramref name="raw"/> with its already deserialized <paramref name="body"/>.</summary>
    public NsqMessage(NsqMessage raw, T body)
    {
        ArgumentNullException.ThrowIfNull(raw);
        Raw = raw;
        Body = body;
    }

    /// <summary>The deserialized body.</summary>
    public T Body { get; }

    /// <summary>The underlying message (raw body, FIN/REQ).</summary>
    public NsqMessage Raw { get; }

    /// <summary>The 16-character message id.</summary>
    public string Id => Raw.Id;

    /// <summary>The delivery attempt, starting at 1.</summary>
    public int Attempts => Raw.Attempts;

    /// <summary>When nsqd received the message.</summary>
    public DateTimeOffset Timestamp => Raw.Timestamp;

    /// <summary>TOUCH: resets the message timeout so a slow handler keeps the message.</summary>
    public ValueTask TouchAsync(CancellationToken cancellationToken = default) => Raw.TouchAsync(cancellationToken);
}
