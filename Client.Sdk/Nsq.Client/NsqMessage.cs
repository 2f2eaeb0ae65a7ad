using System.Buffers;
using System.Collections.Concurrent;
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
    private static readonly ConcurrentQueue<NsqMessage> Pool = new();
    private NsqConnection _connection;
    private byte[] _frame;
    private int _length;
    private int _responded;

    private NsqMessage(NsqConnection connection, byte[] frame, int length, long timestampNs, ushort attempts)
    {
        _connection = connection;
        _frame = frame;
        Init(length, timestampNs, attempts);
    }

    /// <summary>A message over <paramref name="frame"/> (rented from the shared ArrayPool; returned by <see cref="Release"/>).</summary>
    internal static NsqMessage Rent(NsqConnection connection, byte[] frame, int length, long timestampNs, ushort attempts)
    {
        if (!Pool.TryDequeue(out var m)) return new NsqMessage(connection, frame, length, timestampNs, attempts);
        m._connection = connection;
        m._frame = frame;
        m.Init(length, timestampNs, attempts);
        return m;
    }

    private void Init(int length, long timestampNs, ushort attempts)
    {
        _length = length;
        _responded = 0;
        Attempts = attempts;
        Timestamp = DateTimeOffset.UnixEpoch.AddTicks(timestampNs / 100);
        Serializer = NsqJsonSerializer.Default;
        Responded = null;
        Answering = null;
    }

    /// <summary>
    /// Gives the buffer and this object back for the next message. Only the consumer's own handler loop calls this,
    /// once the handler has returned and the message is answered; a message handed out by ConsumeAsync is never
    /// recycled (the reader may keep it).
    /// </summary>
    internal void Release()
    {
        var frame = Interlocked.Exchange(ref _frame, []);
        if (frame.Length == 0) return;
        ArrayPool<byte>.Shared.Return(frame);
        if (Pool.Count < 4096) Pool.Enqueue(this);
    }

    /// <summary>The message ID (16 hex characters).</summary>
    public string Id => Encoding.ASCII.GetString(IdBytes);

    /// <summary>The message body.</summary>
    public ReadOnlyMemory<byte> Body => _frame.AsMemory(MessageLayout.HeaderLength, _length - MessageLayout.HeaderLength);

    /// <summary>How many times nsqd has delivered this message, this delivery included (1 the first time).</summary>
    public int Attempts { get; private set; }

    /// <summary>When the message was published.</summary>
    public DateTimeOffset Timestamp { get; private set; }

    /// <summary>The nsqd that delivered the message.</summary>
    public string NsqdAddress => _connection.EndPoint.ToString() ?? "";

    /// <summary>True once <see cref="FinishAsync"/> or <see cref="RequeueAsync"/> was called.</summary>
    public bool HasResponded => Volatile.Read(ref _responded) != 0;

    internal INsqSerializer Serializer { get; set; } = NsqJsonSerializer.Default;

    internal Action<NsqMessage, MessageOutcome>? Responded { get; set; }

    internal Func<NsqMessage, MessageOutcome, ValueTask>? Answering { get; set; }

    private ReadOnlySpan<byte> IdBytes => _frame.AsSpan(MessageLayout.IdOffset, MessageId.Length);

    /// <summary>Reads the body with the consumer's serializer.</summary>
    public T? GetBody<T>() => Serializer.Deserialize<T>(Body);

    /// <summary>Reads the body as JSON with source-generated metadata.</summary>
    public T? GetBody<T>(JsonTypeInfo<T> typeInfo) => JsonSerializer.Deserialize(Body.Span, typeInfo);

    /// <summary>Sends FIN: the message is done. Counts as a success for the consumer's backoff.</summary>
    /// <exception cref="InvalidOperationException">The message was already answered.</exception>
    /// <exception cref="NsqException">The connection that delivered the message is closed (nsqd will redeliver it).</exception>
    public ValueTask FinishAsync(CancellationToken cancellationToken = default)
        => AnswerAsync(static (o, s) => CommandWriter.Fin(o, s.Frame.AsSpan(MessageLayout.IdOffset, MessageId.Length)), 0, MessageOutcome.Finished, cancellationToken);

    /// <summary>
    /// Sends REQ: nsqd delivers the message again after <paramref name="delay"/> (0 = at once). Counts as a failure for
    /// the consumer's backoff (RDY 0, then RDY 1 probes), as go-nsq's Requeue does.
    /// </summary>
    /// <exception cref="InvalidOperationException">The message was already answered.</exception>
    /// <exception cref="NsqException">The connection that delivered the message is closed (nsqd will redeliver it).</exception>
    public ValueTask RequeueAsync(TimeSpan delay = default, CancellationToken cancellationToken = default)
        => AnswerAsync(static (o, s) => CommandWriter.Req(o, s.Frame.AsSpan(MessageLayout.IdOffset, MessageId.Length), s.Ms), ToMs(delay), MessageOutcome.Requeued, cancellationToken);

    /// <summary>Sends REQ like <see cref="RequeueAsync"/> but without starting the consumer's backoff.</summary>
    /// <exception cref="InvalidOperationException">The message was already answered.</exception>
    /// <exception cref="NsqException">The connection that delivered the message is closed (nsqd will redeliver it).</exception>
    public ValueTask RequeueWithoutBackoffAsync(TimeSpan delay = default, CancellationToken cancellationToken = default)
        => AnswerAsync(static (o, s) => CommandWriter.Req(o, s.Frame.AsSpan(MessageLayout.IdOffset, MessageId.Length), s.Ms), ToMs(delay), MessageOutcome.RequeuedWithoutBackoff, cancellationToken);

    private static long ToMs(TimeSpan delay) => (long)Math.Max(0, delay.TotalMilliseconds);

    private async ValueTask AnswerAsync(Action<System.Buffers.IBufferWriter<byte>, (byte[] Frame, long Ms)> write, long ms, MessageOutcome outcome, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _responded, 1) != 0)
            throw new InvalidOperationException($"message {Id} was already finished or requeued");
        try
        {
            if (Answering is { } answering) await answering(this, outcome).ConfigureAwait(false);
            await _connection.WriteAsync(write, (_frame, ms), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Responded?.Invoke(this, outcome);
        }
    }

    /// <summary>Sends TOUCH: resets the message's timeout on nsqd.</summary>
    public ValueTask TouchAsync(CancellationToken cancellationToken = default)
        => _connection.WriteAsync(static (o, id) => CommandWriter.Touch(o, id.AsSpan(MessageLayout.IdOffset, MessageId.Length)), _frame, cancellationToken);
}
