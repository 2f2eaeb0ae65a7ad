using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace Nsq.Client.Internal;

/// <summary>
/// The write side. Commands are encoded under a lock into an in-memory pipe and the caller returns at once (the
/// synchronous fast path: no await, no allocation, when the lock is free and the pipe is below its limit); one send
/// loop moves whatever has accumulated to the socket in a single write, so a burst of FINs or PUBs costs one syscall.
/// Back-pressure: when more than <see cref="PauseWriterThreshold"/> bytes are unsent, writers wait (holding the lock,
/// so the others queue behind it) until the send loop has drained below half of that.
/// Commands nsqd answers register a <see cref="PendingResponse"/> in the FIFO in the same locked step as their bytes,
/// so the FIFO order is the wire order; a timer fails the connection when the oldest answer is overdue.
/// </summary>
internal sealed partial class NsqConnection
{
    private const int PauseWriterThreshold = 4 * 1024 * 1024;

    private readonly Pipe _out = new(new PipeOptions(
        pauseWriterThreshold: PauseWriterThreshold,
        resumeWriterThreshold: PauseWriterThreshold / 2,
        minimumSegmentSize: 16 * 1024,
        useSynchronizationContext: false));

    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Queue<PendingResponse> _pending = new();
    private readonly TimeSpan _commandTimeout;
    private readonly Timer? _deadlines;

    /// <summary>Writes a command that nsqd answers and waits for that answer (null for <c>OK</c>).</summary>
    /// <exception cref="NsqException">nsqd answered with an error frame, the answer was overdue, or the connection closed first.</exception>
    public ValueTask<byte[]?> SendAsync<TState>(Action<IBufferWriter<byte>, TState> write, TState state, CancellationToken cancellationToken)
    {
        var pending = PendingResponse.Rent();
        pending.DeadlineMs = Environment.TickCount64 + (long)_commandTimeout.TotalMilliseconds;
        var written = WriteCoreAsync(write, state, pending, cancellationToken);
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

    /// <summary>Writes a command that nsqd does not answer on success (FIN, REQ, TOUCH, RDY, NOP).</summary>
    /// <exception cref="NsqException">The connection is closed.</exception>
    public ValueTask WriteAsync<TState>(Action<IBufferWriter<byte>, TState> write, TState state, CancellationToken cancellationToken)
        => WriteCoreAsync(write, state, null, cancellationToken);

    private ValueTask WriteCoreAsync<TState>(Action<IBufferWriter<byte>, TState> write, TState state, PendingResponse? pending, CancellationToken cancellationToken)
    {
        if (!_writeLock.Wait(0)) return WriteContendedAsync(write, state, pending, cancellationToken);
        var release = true;
        try
        {
            var flush = WriteLocked(write, state, pending);
            if (flush.IsCompletedSuccessfully) return default;
            release = false;
            return AwaitFlushAndReleaseAsync(flush);
        }
        finally
        {
            if (release) _writeLock.Release();
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask WriteContendedAsync<TState>(Action<IBufferWriter<byte>, TState> write, TState state, PendingResponse? pending, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await WriteLocked(write, state, pending).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask AwaitFlushAndReleaseAsync(ValueTask<FlushResult> flush)
    {
        try
        {
            await flush.ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Under the write lock: register the answer's slot, encode, and publish the bytes to the send loop.</summary>
    private ValueTask<FlushResult> WriteLocked<TState>(Action<IBufferWriter<byte>, TState> write, TState state, PendingResponse? pending)
    {
        lock (_pending)
        {
            if (IsClosed) throw ClosedError(null);
            if (pending is not null) _pending.Enqueue(pending);
        }
        write(_out.Writer, state);
        return _out.Writer.FlushAsync(CancellationToken.None);
    }

    /// <summary>Moves everything written so far to the socket in one go, until the connection closes.</summary>
    private async Task SendLoopAsync()
    {
        await Task.Yield();
        var reader = _out.Reader;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync().ConfigureAwait(false);
                if (result.IsCanceled) break;
                var buffer = result.Buffer;
                foreach (var segment in buffer)
                    await _stream.WriteAsync(segment).ConfigureAwait(false);
                await _stream.FlushAsync().ConfigureAwait(false);
                reader.AdvanceTo(buffer.End);
                if (result.IsCompleted) break;
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or InvalidOperationException or NotSupportedException)
        {
            Abort(ex);
        }
        await reader.CompleteAsync().ConfigureAwait(false);
    }

    /// <summary>Answers come in order, so an overdue oldest answer means nsqd (or the path to it) is stuck: fail them all.</summary>
    private void CheckDeadlines()
    {
        bool overdue;
        lock (_pending) overdue = _pending.TryPeek(out var oldest) && Environment.TickCount64 > oldest.DeadlineMs;
        if (overdue)
            Abort(new NsqException(NsqException.TimeoutCode, $"nsqd {EndPoint} did not answer within {_commandTimeout}"));
    }
}
