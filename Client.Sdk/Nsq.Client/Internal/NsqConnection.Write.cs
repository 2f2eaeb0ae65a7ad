using System.Buffers;
using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Nsq.Protocol.V2;

namespace Nsq.Client.Internal;

/// <summary>
/// The write side. Commands are encoded under a lock into one contiguous, reused output buffer; the lock is taken
/// without waiting when it is free (the synchronous fast path: no await, no allocation). Commands nsqd answers (PUB,
/// MPUB, DPUB, SUB, CLS) are flushed at once by the caller, so a publish costs no thread hop before it is on the wire.
/// Commands it does not answer (FIN, REQ, TOUCH, RDY, NOP) are only buffered and one flush is queued for all of them,
/// so a burst of FINs leaves in one write. Back-pressure: an immediate flush waits for the socket while holding the
/// lock, so every other writer waits behind it; buffered-only commands are bounded by RDY (one FIN per delivered message).
/// Answered commands register a <see cref="PendingResponse"/> in the FIFO in the same locked step as their bytes, so the
/// FIFO order is the wire order; a timer fails the connection when the oldest answer is overdue.
/// </summary>
internal sealed partial class NsqConnection : IThreadPoolWorkItem
{
    private const int InitialOutput = 64 * 1024;
    private const int MaxKeptOutput = 4 * 1024 * 1024;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private ArrayBufferWriter<byte> _output = new(InitialOutput);
    private readonly Queue<PendingResponse> _pending = new();
    private readonly TimeSpan _commandTimeout;
    private readonly Timer? _deadlines;
    private readonly ConcurrentQueue<Vector128<byte>> _fins = new();
    private int _flushQueued;

    /// <summary>Writes a command that nsqd answers, flushes it, and waits for the answer (null for <c>OK</c>).</summary>
    /// <exception cref="NsqException">nsqd answered with an error frame, the answer was overdue, or the connection closed first.</exception>
    public ValueTask<byte[]?> SendAsync<TState>(Action<IBufferWriter<byte>, TState> write, TState state, CancellationToken cancellationToken)
    {
        var pending = PendingResponse.Rent();
        pending.DeadlineMs = Environment.TickCount64 + (long)_commandTimeout.TotalMilliseconds;
        var written = WriteCoreAsync(write, state, pending, flushNow: true, cancellationToken);
        if (!written.IsCompletedSuccessfully) return AfterSlowWriteAsync(written, pending, cancellationToken);
        return cancellationToken.CanBeCanceled ? new ValueTask<byte[]?>(pending.Task.AsTask().WaitAsync(cancellationToken)) : pending.Task;
    }

    private static async ValueTask<byte[]?> AfterSlowWriteAsync(ValueTask written, PendingResponse pending, CancellationToken cancellationToken)
    {
        await written.ConfigureAwait(false);
        return cancellationToken.CanBeCanceled
            ? await pending.Task.AsTask().WaitAsync(cancellationToken).ConfigureAwait(false)
            : await pending.Task.ConfigureAwait(false);
    }

    /// <summary>Buffers a command that nsqd does not answer on success (FIN, REQ, TOUCH, RDY, NOP); a queued flush sends it.</summary>
    /// <exception cref="NsqException">The connection is closed.</exception>
    public ValueTask WriteAsync<TState>(Action<IBufferWriter<byte>, TState> write, TState state, CancellationToken cancellationToken)
        => WriteCoreAsync(write, state, null, flushNow: false, cancellationToken);

    private ValueTask WriteCoreAsync<TState>(Action<IBufferWriter<byte>, TState> write, TState state, PendingResponse? pending, bool flushNow, CancellationToken cancellationToken)
    {
        if (!_writeLock.Wait(0)) return WriteContendedAsync(write, state, pending, flushNow, cancellationToken);
        var release = true;
        try
        {
            WriteLocked(write, state, pending);
            if (!flushNow)
            {
                QueueFlush();
                return default;
            }
            var flush = FlushOutputAsync();
            if (flush.IsCompletedSuccessfully) return default;
            release = false;
            return AwaitFlushAndReleaseAsync(flush);
        }
        catch (Exception ex) when (IsIoFailure(ex))
        {
            Abort(ex);
            throw ClosedError(ex);
        }
        finally
        {
            if (release) _writeLock.Release();
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask WriteContendedAsync<TState>(Action<IBufferWriter<byte>, TState> write, TState state, PendingResponse? pending, bool flushNow, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            WriteLocked(write, state, pending);
            if (flushNow) await FlushOutputAsync().ConfigureAwait(false);
            else QueueFlush();
        }
        catch (Exception ex) when (IsIoFailure(ex))
        {
            Abort(ex);
            throw ClosedError(ex);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask AwaitFlushAndReleaseAsync(ValueTask flush)
    {
        try
        {
            await flush.ConfigureAwait(false);
        }
        catch (Exception ex) when (IsIoFailure(ex))
        {
            Abort(ex);
            throw ClosedError(ex);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Under the write lock: register the answer's slot and encode.</summary>
    private void WriteLocked<TState>(Action<IBufferWriter<byte>, TState> write, TState state, PendingResponse? pending)
    {
        lock (_pending)
        {
            if (IsClosed) throw ClosedError(null);
            if (pending is not null) _pending.Enqueue(pending);
        }
        write(_output, state);
    }

    /// <summary>
    /// FIN without taking the write lock: the 16 id bytes go on a lock-free queue that the next queued flush encodes in
    /// one go (a handler loop finishing thousands of messages a second then costs one lock and one write per burst).
    /// </summary>
    /// <exception cref="NsqException">The connection is closed (nsqd redelivers the message).</exception>
    public void EnqueueFin(ReadOnlySpan<byte> id)
    {
        if (IsClosed) throw ClosedError(null);
        _fins.Enqueue(MemoryMarshal.Read<Vector128<byte>>(id));
        QueueFlush();
    }

    /// <summary>One flush on the thread pool for everything buffered or queued until it runs.</summary>
    private void QueueFlush()
    {
        // A plain read first: while a flush is queued, FINs add no contended write to this field.
        if (Volatile.Read(ref _flushQueued) == 0 && Interlocked.Exchange(ref _flushQueued, 1) == 0)
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    void IThreadPoolWorkItem.Execute() => _ = FlushQueuedAsync();

    /// <summary>Writes the queued FINs and flushes everything buffered; also called before a graceful close.</summary>
    public async Task FlushQueuedAsync()
    {
        if (!_writeLock.Wait(0)) await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            // Cleared before draining: a FIN queued from here on schedules another flush.
            Volatile.Write(ref _flushQueued, 0);
            if (IsClosed) return;
            WriteQueuedFins();
            await FlushOutputAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (IsIoFailure(ex))
        {
            Abort(ex);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>
    /// Under the write lock: sends everything encoded so far in one write. The buffer is contiguous and reused, so a
    /// 40 KB MPUB is one socket write, not one per pipe segment, and encoding costs no per-field buffer bookkeeping.
    /// </summary>
    private ValueTask FlushOutputAsync()
    {
        if (_output.WrittenCount == 0) return default;
        var write = _stream.WriteAsync(_output.WrittenMemory);
        if (write.IsCompletedSuccessfully && _stream is NetworkStream)
        {
            ResetOutput();
            return default;
        }
        return FlushOutputSlowAsync(write);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask FlushOutputSlowAsync(ValueTask write)
    {
        await write.ConfigureAwait(false);
        // TLS and the compressors hold bytes until flushed; a plain socket has nothing to flush.
        await _stream.FlushAsync().ConfigureAwait(false);
        ResetOutput();
    }

    private void ResetOutput()
    {
        // One huge MPUB must not pin its buffer for the life of the connection.
        if (_output.Capacity > MaxKeptOutput) _output = new ArrayBufferWriter<byte>(InitialOutput);
        else _output.ResetWrittenCount();
    }

    private void WriteQueuedFins()
    {
        Span<byte> id = stackalloc byte[16];
        while (_fins.TryDequeue(out var fin))
        {
            MemoryMarshal.Write(id, in fin);
            CommandWriter.Fin(_output, id);
        }
    }

    private static bool IsIoFailure(Exception ex) => ex is IOException or SocketException or ObjectDisposedException or InvalidOperationException or NotSupportedException;

    /// <summary>Answers come in order, so an overdue oldest answer means nsqd (or the path to it) is stuck: fail them all.</summary>
    private void CheckDeadlines()
    {
        bool overdue;
        lock (_pending) overdue = _pending.TryPeek(out var oldest) && Environment.TickCount64 > oldest.DeadlineMs;
        if (overdue)
            Abort(new NsqException(NsqException.TimeoutCode, $"nsqd {EndPoint} did not answer within {_commandTimeout}"));
    }
}
