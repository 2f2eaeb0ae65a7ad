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
/// One TCP V2 connection to one nsqd: the handshake (<see cref="ConnectionHandshake"/>), then a write side (commands
/// encoded into an in-memory pipe, sent in batches by one send loop: <c>NsqConnection.Write.cs</c>) and a read side
/// (frames decoded in place; responses complete a FIFO of pooled awaitables in order, heartbeats get NOP, messages go
/// to the consumer callback: <c>NsqConnection.Read.cs</c>).
/// </summary>
internal sealed partial class NsqConnection : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly Stream _stream;
    private readonly TimeSpan _readTimeout;
    private readonly PipeReader _reader;
    private readonly CancellationTokenSource _stop = new();
    private readonly ILogger _logger;
    private readonly Func<NsqConnection, NsqMessage, ValueTask>? _onMessage;
    private readonly Action<NsqConnection>? _onReceived;
    private readonly TaskCompletionSource<Exception?> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _readLoop = Task.CompletedTask;
    private int _closed;

    private NsqConnection(Socket socket, Stream stream, EndPoint endPoint, ILogger logger, Func<NsqConnection, NsqMessage, ValueTask>? onMessage, Action<NsqConnection>? onReceived, TimeSpan readTimeout, TimeSpan commandTimeout)
    {
        _socket = socket;
        _stream = stream;
        _reader = PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true, bufferSize: 64 * 1024, minimumReadSize: 16 * 1024));
        EndPoint = endPoint;
        _logger = logger;
        _onMessage = onMessage;
        _onReceived = onReceived;
        _readTimeout = readTimeout;
        _commandTimeout = commandTimeout;
        if (commandTimeout > TimeSpan.Zero && commandTimeout != Timeout.InfiniteTimeSpan)
        {
            var period = TimeSpan.FromTicks(Math.Clamp(commandTimeout.Ticks / 4, TimeSpan.FromMilliseconds(20).Ticks, TimeSpan.FromSeconds(1).Ticks));
            _deadlines = new Timer(static s => ((NsqConnection)s!).CheckDeadlines(), this, period, period);
        }
    }

    /// <summary>The nsqd this connection talks to.</summary>
    public EndPoint EndPoint { get; }

    /// <summary>What nsqd negotiated in its IDENTIFY response.</summary>
    public IdentifyResponse? Identify { get; private set; }

    /// <summary>
    /// True when nsqd agreed to message headers: every published body and every delivered message then starts with a
    /// header block. False against the original nsqd (it never answers the key).
    /// </summary>
    public bool HeadersNegotiated { get; private set; }

    /// <summary>
    /// True while this connection's read loop holds one of the consumer's handler slots between messages of one receive
    /// (only the read loop and <c>onReceived</c> touch it).
    /// </summary>
    public bool HoldsHandlerSlot { get; set; }

    /// <summary>While <see cref="HoldsHandlerSlot"/>: when the last handler run on this read loop ended (Stopwatch ticks).</summary>
    public long HandlerClock { get; set; }

    /// <summary>True once the connection is closed (by us, by nsqd or by an error).</summary>
    public bool IsClosed => Volatile.Read(ref _closed) != 0;

    /// <summary>
    /// Completes once the connection is closed, whoever closed it, with the error that closed it (null for a close we
    /// asked for). A task rather than an event so that a close that happens before anyone watches is never missed.
    /// </summary>
    public Task<Exception?> Completion => _completion.Task;

    /// <summary>
    /// Connects, runs the handshake (IDENTIFY, upgrades, AUTH) and starts the read loop, which calls
    /// <paramref name="onMessage"/> for each message and <paramref name="onReceived"/> after the frames of each receive.
    /// </summary>
    public static async Task<NsqConnection> ConnectAsync(
        EndPoint endPoint, NsqConnectionSettings settings, ILogger logger,
        Func<NsqConnection, NsqMessage, ValueTask>? onMessage, CancellationToken cancellationToken, Action<NsqConnection>? onReceived = null)
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
        var connection = new NsqConnection(socket, stream, endPoint, logger, onMessage, onReceived, readTimeout, settings.CommandTimeout) { Identify = identify, HeadersNegotiated = identify?.MessageHeaders >= MessageHeaders.Version };
        connection._readLoop = connection.ReadLoopAsync();
        return connection;
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
        _deadlines?.Dispose();
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
