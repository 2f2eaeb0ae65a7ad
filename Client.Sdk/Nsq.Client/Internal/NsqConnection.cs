using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
using Nsq.Protocol.Identify;
using Nsq.Protocol.V2;

namespace Nsq.Client.Internal;

/// <summary>
/// One TCP V2 connection to one nsqd. Writes are serialized by a lock and pipelined (a command is written without
/// waiting for the previous answer); commands that nsqd answers (PUB, MPUB, DPUB, SUB, IDENTIFY, CLS) wait on a FIFO of
/// pooled awaitables that the read loop completes in order. The read loop also answers heartbeats and hands message
/// frames to the consumer callback.
/// </summary>
internal sealed class NsqConnection : IAsyncDisposable
{
    private static ReadOnlySpan<byte> Heartbeat => "_heartbeat_"u8;
    private static ReadOnlySpan<byte> Ok => "OK"u8;

    private readonly Socket _socket;
    private readonly Stream _stream;
    private readonly TimeSpan _readTimeout;
    private readonly PipeReader _reader;
    private readonly PipeWriter _writer;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Queue<PendingResponse> _pending = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly ILogger _logger;
    private readonly Func<NsqConnection, NsqMessage, ValueTask>? _onMessage;
    private readonly TaskCompletionSource<Exception?> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _readLoop = Task.CompletedTask;
    private int _closed;

    private NsqConnection(Socket socket, Stream stream, EndPoint endPoint, ILogger logger, Func<NsqConnection, NsqMessage, ValueTask>? onMessage, TimeSpan readTimeout)
    {
        _socket = socket;
        _stream = stream;
        _reader = PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true));
        _writer = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
        EndPoint = endPoint;
        _logger = logger;
        _onMessage = onMessage;
        _readTimeout = readTimeout;
    }

    /// <summary>The nsqd this connection talks to.</summary>
    public EndPoint EndPoint { get; }

    /// <summary>What nsqd negotiated in its IDENTIFY response.</summary>
    public IdentifyResponse? Identify { get; private set; }

    /// <summary>True once the connection is closed (by us, by nsqd or by an error).</summary>
    public bool IsClosed => Volatile.Read(ref _closed) != 0;

    /// <summary>
    /// Completes once the connection is closed, whoever closed it, with the error that closed it (null for a close we
    /// asked for). A task rather than an event so that a close that happens before anyone watches is never missed.
    /// </summary>
    public Task<Exception?> Completion => _completion.Task;

    /// <summary>Connects, runs the handshake (IDENTIFY, upgrades, AUTH) and starts the read loop.</summary>
    public static async Task<NsqConnection> ConnectAsync(
        EndPoint endPoint, NsqConnectionSettings settings, ILogger logger,
        Func<NsqConnection, NsqMessage, ValueTask>? onMessage, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.DialTimeout);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Stream stream;
        IdentifyResponse? identify;
        try
        {
            await socket.ConnectAsync(endPoint, timeout.Token).ConfigureAwait(false);
            // The TCP connect had DialTimeout; the handshake gets ResponseTimeout (a loaded nsqd is slow, not gone).
            timeout.CancelAfter(settings.ResponseTimeout);
            stream = new NetworkStream(socket, ownsSocket: true);
            try
            {
                (stream, identify) = await ConnectionHandshake.RunAsync(stream, endPoint, settings, timeout.Token).ConfigureAwait(false);
            }
            catch
            {
                await stream.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        // No frame for two heartbeat intervals (plus slack) means nsqd or the path to it is gone (go-nsq's read timeout).
        var readTimeout = settings.HeartbeatInterval > TimeSpan.Zero ? (settings.HeartbeatInterval * 2) + TimeSpan.FromSeconds(1) : Timeout.InfiniteTimeSpan;
        var connection = new NsqConnection(socket, stream, endPoint, logger, onMessage, readTimeout) { Identify = identify };
        connection._readLoop = connection.ReadLoopAsync();
        return connection;
    }

    /// <summary>Writes a command that nsqd answers and waits for that answer (null for <c>OK</c>).</summary>
    /// <exception cref="NsqException">nsqd answered with an error frame, or the connection closed first.</exception>
    public async ValueTask<byte[]?> SendAsync<TState>(Action<IBufferWriter<byte>, TState> write, TState state, CancellationToken cancellationToken)
    {
        var pending = PendingResponse.Rent();
        var answer = pending.Task;
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            lock (_pending)
            {
                if (IsClosed) throw ClosedError(null);
                _pending.Enqueue(pending);
            }
            write(_writer, state);
            await _writer.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
            Abort(ex);
        }
        finally
        {
            _writeLock.Release();
        }
        return cancellationToken.CanBeCanceled
            ? await answer.AsTask().WaitAsync(cancellationToken).ConfigureAwait(false)
            : await answer.ConfigureAwait(false);
    }

    /// <summary>Writes a command that nsqd does not answer on success (FIN, REQ, TOUCH, RDY, NOP).</summary>
    public async ValueTask WriteAsync<TState>(Action<IBufferWriter<byte>, TState> write, TState state, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (IsClosed) throw ClosedError(null);
            write(_writer, state);
            await _writer.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
            Abort(ex);
            throw ClosedError(ex);
        }
        finally
        {
            _writeLock.Release();
        }
    }

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
                while (FrameReader.TryRead(ref buffer, out var frame))
                    await HandleFrameAsync(frame).ConfigureAwait(false);
                _reader.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted || IsClosed) break;
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // The read loop ends on any failure and reports it through Closed.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            error = ex;
        }
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
                Dequeue()?.SetException(error);
                Abort(error);
                break;
            case FrameType.Message:
                await DispatchAsync(frame.Data).ConfigureAwait(false);
                break;
            default:
                throw new InvalidDataException($"unknown frame type {(int)frame.Type}");
        }
    }

    private async ValueTask DispatchAsync(ReadOnlySequence<byte> data)
    {
        var bytes = data.ToArray();
        if (!MessageLayout.TryReadHeader(bytes, out var timestamp, out var attempts, out _))
            throw new InvalidDataException("malformed message frame");
        var message = new NsqMessage(this, bytes, timestamp, attempts);
        if (_onMessage is null)
        {
            _logger.LogWarning("nsqd {EndPoint}: message {Id} on a connection without a consumer", EndPoint, message.Id);
            return;
        }
        await _onMessage(this, message).ConfigureAwait(false);
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

    private NsqException ClosedError(Exception? inner)
        => new(NsqException.ConnectionClosedCode, $"connection to nsqd {EndPoint} is closed", inner);

    /// <summary>Closes at once; every command still waiting fails.</summary>
    public void Abort(Exception? error)
    {
        PendingResponse[] waiting;
        lock (_pending)
        {
            if (Interlocked.Exchange(ref _closed, 1) != 0) return;
            waiting = [.. _pending];
            _pending.Clear();
        }
        _stop.Cancel();
        var failure = error as NsqException ?? ClosedError(error);
        foreach (var p in waiting) p.SetException(failure);
        if (error is not null) _logger.LogDebug(error, "nsqd {EndPoint}: connection closed", EndPoint);
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
        _socket.Dispose();
        try
        {
            _stream.Dispose();
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
        }
        _completion.TrySetResult(error);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Abort(null);
        try
        {
            await _readLoop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
    }
}
