using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Microsoft.Extensions.Logging;
using Nsq.Protocol.V2;

namespace Nsq.Client.Internal;

/// <summary>The read side (spec §4 frames): decode in place, match responses to the FIFO, NOP heartbeats, dispatch messages.</summary>
internal sealed partial class NsqConnection
{
    private static ReadOnlySpan<byte> Heartbeat => "_heartbeat_"u8;
    private static ReadOnlySpan<byte> Ok => "OK"u8;

    private async Task ReadLoopAsync()
    {
        await Task.Yield();
        Exception? error = null;
        try
        {
            using var watchdog = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            while (true)
            {
                watchdog.CancelAfter(_readTimeout);
                ReadResult result;
                try
                {
                    result = await _reader.ReadAsync(watchdog.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!_stop.IsCancellationRequested)
                {
                    throw new TimeoutException($"nothing from nsqd {EndPoint} for {_readTimeout} (missed heartbeats)");
                }
                var buffer = result.Buffer;
                // While this receive is parsed, the FINs and NOPs it causes (handlers run here) are only buffered: the
                // read loop takes the queued-flush flag and writes them all in one flush afterwards, as the raw reader does.
                var flushHere = Interlocked.Exchange(ref _flushQueued, 1) == 0;
                while (FrameReader.TryRead(ref buffer, out var frame))
                {
                    // Message frames take a synchronous path (no async machinery per message) unless handing over waits.
                    var handled = frame.Type == FrameType.Message ? DispatchAsync(frame.Data) : HandleFrameAsync(frame);
                    if (!handled.IsCompletedSuccessfully) await handled.ConfigureAwait(false);
                }
                _reader.AdvanceTo(buffer.Start, buffer.End);
                _onReceived?.Invoke(this);
                // Not awaited: a socket that is slow to take the FINs must not stop the reads (heartbeats, other answers).
                if (flushHere) _ = FlushQueuedAsync();
                if (result.IsCompleted || IsClosed) break;
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // The read loop ends on any failure and reports it through Completion.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            error = ex;
        }
        // Whatever the receive held (a handler slot) goes back even when the loop ended in the middle of one.
        _onReceived?.Invoke(this);
        Abort(error ?? (IsClosed ? null : new IOException("nsqd closed the connection")));
    }

    private async ValueTask HandleFrameAsync(Frame frame)
    {
        switch (frame.Type)
        {
            case FrameType.Response:
                if (IsData(frame.Data, Heartbeat))
                    await WriteAsync(static (o, _) => CommandWriter.Nop(o), 0, CancellationToken.None).ConfigureAwait(false);
                else
                    Dequeue()?.SetResult(IsData(frame.Data, Ok) ? null : frame.Data.ToArray());
                break;
            case FrameType.Error:
                var error = NsqException.FromErrorFrame(Encoding.UTF8.GetString(frame.Data));
                if (!ErrorCode.IsFatal(error.Code))
                {
                    _logger.LogWarning("nsqd {EndPoint}: {Error}", EndPoint, error.Message);
                    break;
                }
                // A fatal error answers the oldest command if there is one (PUB → E_BAD_TOPIC); otherwise it is about
                // a command nsqd does not answer (RDY, FIN) and only closes the connection.
                PendingResponse? failed;
                lock (_pending) _pending.TryDequeue(out failed);
                failed?.SetException(error);
                Abort(error);
                break;
            case FrameType.Message:
                await DispatchAsync(frame.Data).ConfigureAwait(false);
                break;
            default:
                throw new InvalidDataException($"unknown frame type {(int)frame.Type}");
        }
    }

    /// <summary>Copies the message into a recycled buffer (the read buffer is reused at once) and hands it on.</summary>
    private ValueTask DispatchAsync(in ReadOnlySequence<byte> data)
    {
        if (data.Length < MessageLayout.HeaderLength) throw new InvalidDataException("malformed message frame");
        Span<byte> header = stackalloc byte[MessageLayout.HeaderLength];
        data.Slice(0, MessageLayout.HeaderLength).CopyTo(header);
        MessageLayout.TryReadHeader(header, out var timestamp, out var attempts, out _);
        var message = NsqMessage.Rent(this, data, timestamp, attempts);
        if (_onMessage is null)
        {
            _logger.LogWarning("nsqd {EndPoint}: message {Id} on a connection without a consumer", EndPoint, message.Id);
            return default;
        }
        return _onMessage(this, message);
    }

    private static bool IsData(ReadOnlySequence<byte> data, ReadOnlySpan<byte> expected)
        => data.Length == expected.Length && (data.IsSingleSegment ? data.FirstSpan.SequenceEqual(expected) : data.ToArray().AsSpan().SequenceEqual(expected));

    private PendingResponse? Dequeue()
    {
        lock (_pending)
        {
            if (_pending.TryDequeue(out var p)) return p;
        }
        _logger.LogWarning("nsqd {EndPoint}: a response with no command waiting for it", EndPoint);
        return null;
    }
}
