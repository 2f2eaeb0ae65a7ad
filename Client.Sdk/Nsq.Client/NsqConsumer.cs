using System.Net;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Nsq.Client.Internal;
using Nsq.Protocol.V2;

namespace Nsq.Client;

/// <summary>
/// Subscribes to one topic/channel on every configured nsqd. Each connection gets RDY max(1, MaxInFlight / connections);
/// delivered messages go through a bounded channel of MaxInFlight, so back-pressure is RDY itself. Read them with
/// <see cref="ConsumeAsync"/> (answer each yourself) or <see cref="RunAsync"/> (FIN on success, REQ on exception).
/// </summary>
public sealed class NsqConsumer : IAsyncDisposable
{
    private readonly NsqConsumerOptions _options;
    private readonly EndPoint[] _endPoints;
    private readonly NsqConnection?[] _connections;
    private readonly ILogger _logger;
    private readonly Channel<NsqMessage> _messages;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Action<NsqMessage> _onResponded;
    private readonly Lock _gate = new();
    private readonly NsqConnectionSettings _settings;
    private Task? _start;
    private Task? _stop;
    private int _inFlight;
    private volatile bool _stopping;

    /// <summary>Creates a consumer; nothing connects until <see cref="StartAsync"/>, <see cref="ConsumeAsync"/> or <see cref="RunAsync"/>.</summary>
    public NsqConsumer(NsqConsumerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.NsqdTcpAddresses.Count == 0) throw new ArgumentException("at least one nsqd address is required", nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxInFlight, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.HandlerConcurrency, 1);
        _options = options;
        _endPoints = [.. options.NsqdTcpAddresses.Select(EndpointParser.Parse)];
        _connections = new NsqConnection?[_endPoints.Length];
        _logger = options.LoggerFactory.CreateLogger<NsqConsumer>();
        _messages = Channel.CreateBounded<NsqMessage>(new BoundedChannelOptions(options.MaxInFlight) { SingleReader = false, SingleWriter = false });
        _onResponded = OnResponded;
        _settings = new NsqConnectionSettings
        {
            ClientId = options.ClientId,
            DialTimeout = options.DialTimeout,
            HeartbeatInterval = options.HeartbeatInterval,
            MsgTimeout = options.MsgTimeout,
        };
    }

    /// <summary>The options this consumer was created with.</summary>
    public NsqConsumerOptions Options => _options;

    /// <summary>The RDY count each connection gets.</summary>
    public int ReadyPerConnection => Math.Max(1, _options.MaxInFlight / _endPoints.Length);

    /// <summary>Connects to every nsqd, subscribes and sends RDY. Fails only when no nsqd could be reached.</summary>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_stopping) throw new InvalidOperationException("the consumer is stopped");
            return _start ??= StartCoreAsync(cancellationToken);
        }
    }

    /// <summary>Yields delivered messages until the consumer stops; answer each with FIN or REQ.</summary>
    public async IAsyncEnumerable<NsqMessage> ConsumeAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await StartAsync(cancellationToken).ConfigureAwait(false);
        await foreach (var message in _messages.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            yield return message;
    }

    /// <summary>
    /// Runs <paramref name="handler"/> for each message (HandlerConcurrency at a time): FIN when it returns, REQ with the
    /// requeue delay when it throws (unless it answered the message itself). Cancelling stops the consumer gracefully;
    /// returns once it is stopped.
    /// </summary>
    public async Task RunAsync(Func<NsqMessage, CancellationToken, ValueTask> handler, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        await StartAsync(cancellationToken).ConfigureAwait(false);
        using var registration = cancellationToken.Register(static s => _ = ((NsqConsumer)s!).StopAsync(), this);
        var workers = new Task[_options.HandlerConcurrency];
        for (var i = 0; i < workers.Length; i++) workers[i] = WorkAsync(handler, cancellationToken);
        await Task.WhenAll(workers).ConfigureAwait(false);
        if (_stop is { } stop) await stop.ConfigureAwait(false);
    }

    /// <summary>
    /// Graceful stop: RDY 0 and CLS on every connection, then waits (up to <paramref name="cancellationToken"/>) for the
    /// messages already delivered to be answered, then closes. Unanswered messages are redelivered by nsqd.
    /// </summary>
    public Task StopAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            _stopping = true;
            _stop ??= StopCoreAsync();
        }
        return _stop.WaitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await StopAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _logger.LogWarning("consumer {Topic}/{Channel}: in-flight messages not answered at dispose", _options.Topic, _options.Channel);
        }
        await CloseAllAsync().ConfigureAwait(false);
    }

    private async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        var attempts = new Task<bool>[_endPoints.Length];
        for (var i = 0; i < attempts.Length; i++) attempts[i] = TryConnectAsync(i, cancellationToken);
        var results = await Task.WhenAll(attempts).ConfigureAwait(false);
        if (!results.Contains(true))
            throw new NsqException(NsqException.ConnectionClosedCode, "no nsqd is reachable");
        for (var i = 0; i < results.Length; i++)
            if (!results[i]) _ = ReconnectAsync(i);
    }

    private async Task<bool> TryConnectAsync(int index, CancellationToken cancellationToken)
    {
        try
        {
            await ConnectAsync(index, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is NsqException or IOException or System.Net.Sockets.SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            _logger.LogWarning(ex, "cannot subscribe on nsqd {EndPoint}", _endPoints[index]);
            return false;
        }
    }

    private async Task ConnectAsync(int index, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime.Token);
        timeout.CancelAfter(_options.DialTimeout);
        var connection = await NsqConnection.ConnectAsync(_endPoints[index], _settings, _logger, OnMessageAsync, timeout.Token).ConfigureAwait(false);
        try
        {
            await connection.SendAsync(static (o, s) => CommandWriter.Sub(o, s.Topic, s.Channel), _options, timeout.Token).ConfigureAwait(false);
            await connection.WriteAsync(static (o, n) => CommandWriter.Rdy(o, n), ReadyPerConnection, timeout.Token).ConfigureAwait(false);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        connection.Closed += (c, error) => OnClosed(index, error);
        _connections[index] = connection;
        if (_stopping || connection.IsClosed) OnClosed(index, null);
    }

    private void OnClosed(int index, Exception? error)
    {
        if (_stopping || error is null) return;
        _logger.LogWarning(error, "nsqd {EndPoint} dropped the connection; reconnecting", _endPoints[index]);
        _ = ReconnectAsync(index);
    }

    private async Task ReconnectAsync(int index)
    {
        while (!_stopping)
        {
            try
            {
                await Task.Delay(_options.ReconnectDelay, _lifetime.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            if (await TryConnectAsync(index, _lifetime.Token).ConfigureAwait(false)) return;
        }
    }

    private async ValueTask OnMessageAsync(NsqConnection connection, NsqMessage message)
    {
        message.Serializer = _options.Serializer;
        message.Responded = _onResponded;
        Interlocked.Increment(ref _inFlight);
        if (_options.MaxAttempts > 0 && message.Attempts > _options.MaxAttempts)
        {
            await GiveUpAsync(message).ConfigureAwait(false);
            return;
        }
        try
        {
            await _messages.Writer.WriteAsync(message, _lifetime.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ChannelClosedException or OperationCanceledException)
        {
            // Stopping: hand it straight back so another consumer gets it.
            await AnswerQuietlyAsync(message, requeue: true).ConfigureAwait(false);
        }
    }

    private async ValueTask GiveUpAsync(NsqMessage message)
    {
        _logger.LogWarning("message {Id} exceeded {MaxAttempts} attempts; finishing it", message.Id, _options.MaxAttempts);
        if (_options.OnMaxAttemptsExceeded is { } callback)
        {
            try
            {
                await callback(message).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // A failing user callback must not break the read loop.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                _logger.LogError(ex, "OnMaxAttemptsExceeded failed for message {Id}", message.Id);
            }
        }
        if (!message.HasResponded) await AnswerQuietlyAsync(message, requeue: false).ConfigureAwait(false);
    }

    private async Task WorkAsync(Func<NsqMessage, CancellationToken, ValueTask> handler, CancellationToken cancellationToken)
    {
        await foreach (var message in _messages.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
        {
            try
            {
                await handler(message, cancellationToken).ConfigureAwait(false);
                if (!message.HasResponded) await AnswerQuietlyAsync(message, requeue: false).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // A handler failure means REQ, whatever it is.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                _logger.LogWarning(ex, "handler failed for message {Id} (attempt {Attempts}); requeueing", message.Id, message.Attempts);
                if (!message.HasResponded) await AnswerQuietlyAsync(message, requeue: true, RequeueDelay(message)).ConfigureAwait(false);
            }
        }
    }

    private TimeSpan RequeueDelay(NsqMessage message)
    {
        var delay = _options.RequeueDelay * message.Attempts;
        return delay > _options.MaxRequeueDelay ? _options.MaxRequeueDelay : delay;
    }

    private async ValueTask AnswerQuietlyAsync(NsqMessage message, bool requeue, TimeSpan delay = default)
    {
        try
        {
            if (requeue) await message.RequeueAsync(delay).ConfigureAwait(false);
            else await message.FinishAsync().ConfigureAwait(false);
        }
        catch (NsqException ex)
        {
            // The connection is gone: nsqd redelivers the message anyway.
            _logger.LogDebug(ex, "could not answer message {Id}", message.Id);
        }
    }

    private void OnResponded(NsqMessage message)
    {
        if (Interlocked.Decrement(ref _inFlight) == 0 && _stopping) _drained.TrySetResult();
    }

    private async Task StopCoreAsync()
    {
        if (_start is { } start)
        {
            try
            {
                await start.ConfigureAwait(false);
            }
#pragma warning disable CA1031 // A failed start still stops cleanly.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
        var open = _connections.Where(c => c is { IsClosed: false }).Select(c => c!).ToArray();
        await Task.WhenAll(open.Select(c => CloseWaitAsync(c))).ConfigureAwait(false);
        _messages.Writer.TryComplete();
        if (Volatile.Read(ref _inFlight) == 0) _drained.TrySetResult();
        await _drained.Task.ConfigureAwait(false);
        await CloseAllAsync().ConfigureAwait(false);
    }

    private async Task CloseWaitAsync(NsqConnection connection)
    {
        using var timeout = new CancellationTokenSource(_options.DialTimeout);
        try
        {
            await connection.WriteAsync(static (o, _) => CommandWriter.Rdy(o, 0), 0, timeout.Token).ConfigureAwait(false);
            await connection.SendAsync(static (o, _) => CommandWriter.Cls(o), 0, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NsqException or OperationCanceledException)
        {
            _logger.LogDebug(ex, "CLS on nsqd {EndPoint} failed", connection.EndPoint);
        }
    }

    private async Task CloseAllAsync()
    {
        _stopping = true;
        await _lifetime.CancelAsync().ConfigureAwait(false);
        for (var i = 0; i < _connections.Length; i++)
        {
            if (_connections[i] is { } c) await c.DisposeAsync().ConfigureAwait(false);
        }
    }
}
