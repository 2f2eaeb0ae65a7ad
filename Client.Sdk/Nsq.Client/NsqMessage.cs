using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Numerics;
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

    // One recycled message per thread, in front of the shared pool: a handler run on the read loop gives its message
    // back on the thread that rents the next one, so the steady path touches no shared queue and reuses a warm buffer.
    [ThreadStatic]
    private static NsqMessage? t_spare;
    private NsqConnection _connection;
    private byte[] _frame;
    private int _length;
    private int _bodyOffset = MessageLayout.HeaderLength;
    private int _entriesLength;
    private NsqHeaders? _headers;
    private int _responded;
    private int _released;

    private NsqMessage(NsqConnection connection, byte[] frame, int length, long timestampNs, ushort attempts)
    {
        _connection = connection;
        _frame = frame;
        Init(length, timestampNs, attempts);
    }

    private const int MaxKeptBuffer = 64 * 1024;

    /// <summary>A message holding a copy of <paramref name="data"/> (the frame after its header), reusing a recycled message and its buffer when one fits.</summary>
    internal static NsqMessage Rent(NsqConnection connection, in ReadOnlySequence<byte> data, long timestampNs, ushort attempts)
    {
        var length = (int)data.Length;
        var m = t_spare;
        if (m is not null) t_spare = null;
        else Pool.TryDequeue(out m);
        if (m is null)
        {
            m = new NsqMessage(connection, new byte[Math.Max(256, (int)BitOperations.RoundUpToPowerOf2((uint)length))], length, timestampNs, attempts);
        }
        else
        {
            if (m._frame.Length < length) m._frame = new byte[(int)BitOperations.RoundUpToPowerOf2((uint)length)];
            m._connection = connection;
            m.Init(length, timestampNs, attempts);
        }
        data.CopyTo(m._frame);
        m.SplitHeaders(connection.HeadersNegotiated);
        return m;
    }

    /// <summary>
    /// On a connection that negotiated headers the frame is <c>[26-byte message header][u16 H][H bytes][body]</c>: find
    /// where the body starts. Nothing is decoded here; <see cref="Headers"/> decodes on first use.
    /// </summary>
    /// <exception cref="InvalidDataException">The header block runs past the end of the frame.</exception>
    private void SplitHeaders(bool framed)
    {
        _entriesLength = 0;
        _bodyOffset = MessageLayout.HeaderLength;
        if (!framed) return;
        if (!MessageHeaders.TrySplit(_frame.AsSpan(MessageLayout.HeaderLength, _length - MessageLayout.HeaderLength), out var entries, out var blockLength))
            throw new InvalidDataException("message frame with a malformed header block");
        _entriesLength = entries.Length;
        _bodyOffset = MessageLayout.HeaderLength + blockLength;
    }

    private void Init(int length, long timestampNs, ushort attempts)
    {
        _length = length;
        _responded = 0;
        _released = 0;
        Attempts = attempts;
        Timestamp = DateTimeOffset.UnixEpoch.AddTicks(timestampNs / 100);
        Serializer = NsqJsonSerializer.Default;
        Responded = null;
        Answering = null;
        _headers = null;
    }

    /// <summary>
    /// Gives this object and its buffer back for a later message. Only the consumer's own handler loop calls this,
    /// once the handler has returned and the message is answered; a message handed out by ConsumeAsync is never
    /// recycled (the reader may keep it).
    /// </summary>
    internal void Release()
    {
        if (Interlocked.Exchange(ref _released, 1) != 0) return;
        // No count check: the pool never holds more messages than were alive at once, which RDY bounds.
        if (_frame.Length > MaxKeptBuffer) return;
        if (t_spare is null) t_spare = this;
        else Pool.Enqueue(this);
    }

    /// <summary>The message ID (16 hex characters).</summary>
    public string Id => Encoding.ASCII.GetString(IdBytes);

    /// <summary>The message body.</summary>
    public ReadOnlyMemory<byte> Body => _frame.AsMemory(_bodyOffset, _length - _bodyOffset);

    /// <summary>
    /// The headers the message was published with, decoded on first use; <see cref="NsqHeaders.Empty"/> when it has none
    /// or the broker does not speak headers (the original nsqd). Read-only; like the body, valid until the message is
    /// recycled (a RunAsync handler's message once the handler returned).
    /// </summary>
    public NsqHeaders Headers => _headers ??= _entriesLength == 0 ? NsqHeaders.Empty : DecodeHeaders();

    // The decoder reads a view it keeps, so it gets a copy: this message's buffer is recycled.
    private NsqHeaders DecodeHeaders() => NsqHeaders.ReadOnly([.. MessageHeaderList.FromEntries(EntriesSpan.ToArray())]);

    /// <summary>The topic the message was delivered on (set by the consumer).</summary>
    internal string Topic { get; set; } = "";

    /// <summary>The channel the message was delivered on (set by the consumer).</summary>
    internal string Channel { get; set; } = "";

    private ReadOnlySpan<byte> EntriesSpan => _frame.AsSpan(MessageLayout.HeaderLength + MessageHeaders.LengthPrefixSize, _entriesLength);

    /// <summary>The message's creation context, from its <c>traceparent</c>/<c>tracestate</c> headers (read without decoding the others).</summary>
    internal bool TryGetTraceContext(out ActivityContext context)
    {
        context = default;
        if (_entriesLength == 0 || !MessageHeaders.TryGetValue(EntriesSpan, "traceparent"u8, out var parent)) return false;
        var state = MessageHeaders.TryGetValue(EntriesSpan, "tracestate"u8, out var s) ? Encoding.UTF8.GetString(s) : null;
        return ActivityContext.TryParse(Encoding.ASCII.GetString(parent), state, isRemote: true, out context);
    }

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
    {
        if (Interlocked.Exchange(ref _responded, 1) != 0)
            throw new InvalidOperationException($"message {Id} was already finished or requeued");
        try
        {
            // FINs are queued on the connection and written in bursts; nsqd does not answer them.
            _connection.EnqueueFin(_frame.AsSpan(MessageLayout.IdOffset, MessageId.Length));
        }
        finally
        {
            Responded?.Invoke(this, MessageOutcome.Finished);
        }
        return ValueTask.CompletedTask;
    }

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
