using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Nsq.Client.Internal;
using Nsq.Protocol.V2;

namespace Nsq.Client;

/// <summary>
/// A message delivered by nsqd. Answer it once: <see cref="FinishAsync"/> (done) or <see cref="RequeueAsync"/> (retry);
/// <see cref="TouchAsync"/> extends its timeout meanwhile. A message not answered within the msg_timeout is redelivered.
/// </summary>
public sealed class NsqMessage
{
    private readonly NsqConnection _connection;
    private readonly byte[] _frame;
    private int _responded;

    internal NsqMessage(NsqConnection connection, byte[] frame, long timestampNs, ushort attempts)
    {
        _connection = connection;
        _frame = frame;
        Attempts = attempts;
        Timestamp = DateTimeOffset.UnixEpoch.AddTicks(timestampNs / 100);
    }

    /// <summary>The message ID (16 hex characters).</summary>
    public string Id => Encoding.ASCII.GetString(IdBytes);

    /// <summary>The message body.</summary>
    public ReadOnlyMemory<byte> Body => _frame.AsMemory(MessageLayout.HeaderLength);

    /// <summary>How many times nsqd has delivered this message, this delivery included (1 the first time).</summary>
    public int Attempts { get; }

    /// <summary>When the message was published.</summary>
    public DateTimeOffset Timestamp { get; }

    /// <summary>The nsqd that delivered the message.</summary>
    public string NsqdAddress => _connection.EndPoint.ToString() ?? "";

    /// <summary>True once <see cref="FinishAsync"/> or <see cref="RequeueAsync"/> was called.</summary>
    public bool HasResponded => Volatile.Read(ref _responded) != 0;

    internal INsqSerializer Serializer { get; set; } = NsqJsonSerializer.Default;

    internal Action<NsqMessage>? Responded { get; set; }

    private ReadOnlySpan<byte> IdBytes => _frame.AsSpan(MessageLayout.IdOffset, MessageId.Length);

    /// <summary>Reads the body with the consumer's serializer.</summary>
    public T? GetBody<T>() => Serializer.Deserialize<T>(Body);

    /// <summary>Reads the body as JSON with source-generated metadata.</summary>
    public T? GetBody<T>(JsonTypeInfo<T> typeInfo) => JsonSerializer.Deserialize(Body.Span, typeInfo);

    /// <summary>Sends FIN: the message is done.</summary>
    /// <exception cref="InvalidOperationException">The message was already answered.</exception>
    public async ValueTask FinishAsync(CancellationToken cancellationToken = default)
    {
        MarkResponded();
        try
        {
            await _connection.WriteAsync(static (o, id) => CommandWriter.Fin(o, id.AsSpan(MessageLayout.IdOffset, MessageId.Length)), _frame, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Responded?.Invoke(this);
        }
    }

    /// <summary>Sends REQ: nsqd delivers the message again after <paramref name="delay"/> (0 = at once).</summary>
    /// <exception cref="InvalidOperationException">The message was already answered.</exception>
    public async ValueTask RequeueAsync(TimeSpan delay = default, CancellationToken cancellationToken = default)
    {
        MarkResponded();
        var ms = (long)Math.Max(0, delay.TotalMilliseconds);
        try
        {
            await _connection.WriteAsync(static (o, s) => CommandWriter.Req(o, s.frame.AsSpan(MessageLayout.IdOffset, MessageId.Length), s.ms), (frame: _frame, ms), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Responded?.Invoke(this);
        }
    }

    /// <summary>Sends TOUCH: resets the message's timeout on nsqd.</summary>
    public ValueTask TouchAsync(CancellationToken cancellationToken = default)
        => _connection.WriteAsync(static (o, id) => CommandWriter.Touch(o, id.AsSpan(MessageLayout.IdOffset, MessageId.Length)), _frame, cancellationToken);

    private void MarkResponded()
    {
        if (Interlocked.Exchange(ref _responded, 1) != 0)
            throw new InvalidOperationException($"message {Id} was already finished or requeued");
    }
}
