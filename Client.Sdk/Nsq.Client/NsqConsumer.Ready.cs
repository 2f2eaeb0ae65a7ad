using Microsoft.Extensions.Logging;
using Nsq.Client.Internal;
using Nsq.Protocol.V2;

namespace Nsq.Client;

/// <summary>
/// RDY management (spec §9.3, go-nsq's behaviour): MaxInFlight spread over the open connections; RDY 1 rotating among
/// them when MaxInFlight is smaller than their number; and backoff after handler failures (RDY 0 everywhere, wait, then
/// RDY 1 on one connection as a probe; each success steps back down until full RDY resumes).
/// </summary>
public sealed partial class NsqConsumer
{
    private readonly SemaphoreSlim _rdyLock = new(1, 1);
    private int _rotationOffset;
    private int _backoffLevel;
    private bool _probing;
    private int _backoffGeneration;
    private Task? _backoffTimer;

    /// <summary>The RDY each open connection should have now (under <see cref="_gate"/>), in slot order.</summary>
    private int DesiredReady(int index, int open)
    {
        if (_stopping) return 0;
        if (_backoffLevel > 0) return _probing && index == _rotationOffset % open ? 1 : 0;
        if (_options.MaxInFlight >= open) return Math.Max(1, _options.MaxInFlight / open);
        // Fewer RDY than connections: a window of MaxInFlight connections gets RDY 1; the rotation moves it along.
        var distance = ((index - _rotationOffset) % open + open) % open;
        return distance < _options.MaxInFlight ? 1 : 0;
    }

    /// <summary>Sends every open connection the RDY it should have, where that differs from what it was last sent.</summary>
    private async Task RedistributeAsync(CancellationToken cancellationToken)
    {
        await _rdyLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            List<(NsqConnection Connection, int Ready)> work = [];
            lock (_gate)
            {
                var open = OpenCount();
                var index = 0;
                foreach (var slot in _slots)
                {
                    if (slot.Connection is not { IsClosed: false } connection) continue;
                    // Never above what this nsqd accepts (max_rdy_count from IDENTIFY): more is E_INVALID and a closed connection.
                    var ready = (int)Math.Min(DesiredReady(index++, open), connection.Identify is { MaxRdyCount: > 0 } id ? id.MaxRdyCount : int.MaxValue);
                    if (ready == slot.Ready) continue;
                    // Lowered RDY goes out before raised RDY, so the total never overshoots MaxInFlight while it moves.
                    if (ready < slot.Ready) work.Insert(0, (connection, ready));
                    else work.Add((connection, ready));
                    slot.Ready = ready;
                }
            }
            foreach (var (connection, ready) in work)
            {
                try
                {
                    await connection.WriteAsync(static (o, n) => CommandWriter.Rdy(o, n), ready, cancellationToken).ConfigureAwait(false);
                }
                catch (NsqException ex)
                {
                    // The connection is gone; its supervisor reconnects and re-spreads.
                    _logger.LogDebug(ex, "RDY {Ready} on nsqd {EndPoint} failed", ready, connection.EndPoint);
                }
            }
        }
        finally
        {
            _rdyLock.Release();
        }
    }

    private async Task RedistributeQuietlyAsync()
    {
        try
        {
            await RedistributeAsync(_lifetime.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>
    /// Every RdyRedistributeInterval, when there are more connections than MaxInFlight, moves the RDY 1 window on so
    /// every nsqd gets served (go-nsq's redistribution ticker).
    /// </summary>
    private async Task RotateLoopAsync()
    {
        using var timer = new PeriodicTimer(_options.RdyRedistributeInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(_lifetime.Token).ConfigureAwait(false))
            {
                lock (_gate)
                {
                    var open = OpenCount();
                    if (open == 0 || _options.MaxInFlight >= open || _backoffLevel > 0) continue;
                    _rotationOffset = (_rotationOffset + Math.Min(_options.MaxInFlight, open)) % open;
                }
                await RedistributeQuietlyAsync().ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// Records a handler's outcome for backoff: failures raise the level, successes lower it (go-nsq's counter). Returns
    /// when the resulting RDY has been written, so a failure's RDY 0 reaches nsqd before its REQ (otherwise nsqd could
    /// hand the requeued message straight back under the old RDY).
    /// </summary>
    private Task OnOutcomeAsync(bool success)
    {
        // The common case (a success outside backoff) must not take the lock: it runs once per message.
        if (_options.MaxBackoffDuration <= TimeSpan.Zero || (success && Volatile.Read(ref _backoffLevel) == 0)) return Task.CompletedTask;
        TimeSpan wait;
        int generation;
        lock (_gate)
        {
            if (success && _backoffLevel == 0) return Task.CompletedTask;
            _backoffLevel = success ? _backoffLevel - 1 : Math.Min(_backoffLevel + 1, 32);
            _probing = false;
            generation = ++_backoffGeneration;
            if (_backoffLevel == 0)
            {
                _logger.LogInformation("consumer {Topic}/{Channel}: backoff over, resuming RDY", _options.Topic, _options.Channel);
                wait = TimeSpan.Zero;
            }
            else
            {
                var exponent = Math.Min(_backoffLevel - 1, 30);
                wait = _options.BackoffMultiplier * (1L << exponent);
                if (wait > _options.MaxBackoffDuration) wait = _options.MaxBackoffDuration;
                _logger.LogWarning("consumer {Topic}/{Channel}: backing off for {Wait} (level {Level})", _options.Topic, _options.Channel, wait, _backoffLevel);
                _backoffTimer = ProbeAfterAsync(wait, generation);
            }
        }
        // RDY 0 everywhere (backoff) or the full spread again (resumed).
        return RedistributeQuietlyAsync();
    }

    /// <summary>After the backoff wait, RDY 1 on one connection, unless another outcome started a newer wait meanwhile.</summary>
    private async Task ProbeAfterAsync(TimeSpan wait, int generation)
    {
        try
        {
            await Task.Delay(wait, _lifetime.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        lock (_gate)
        {
            if (generation != _backoffGeneration || _backoffLevel == 0) return;
            _probing = true;
            var open = OpenCount();
            if (open > 0) _rotationOffset = (_rotationOffset + 1) % open;
        }
        await RedistributeQuietlyAsync().ConfigureAwait(false);
    }
}
