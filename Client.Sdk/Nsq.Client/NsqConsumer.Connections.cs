using Microsoft.Extensions.Logging;
using Nsq.Client.Internal;
using Nsq.Protocol.V2;

namespace Nsq.Client;

/// <summary>
/// Connections to nsqd (spec §9.2): one supervisor loop per nsqd connects (IDENTIFY, SUB), waits for the connection to
/// end, whatever ended it, and reconnects after an exponential, jittered delay. A loop rather than a close event, so a
/// connection lost during the handshake or before anyone watched it is still noticed.
/// </summary>
public sealed partial class NsqConsumer
{
    /// <summary>Starts <paramref name="slot"/>'s supervisor (under <see cref="_gate"/>); the task completes after its first attempt.</summary>
    private Task Supervise(Slot slot)
    {
        var firstAttempt = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        slot.Supervisor = SuperviseAsync(slot, firstAttempt);
        return firstAttempt.Task;
    }

    private async Task SuperviseAsync(Slot slot, TaskCompletionSource firstAttempt)
    {
        await Task.Yield();
        var token = _lifetime.Token;
        var failures = 0;
        try
        {
            while (!_stopping)
            {
                var connection = await TryConnectAsync(slot, token).ConfigureAwait(false);
                firstAttempt.TrySetResult();
                if (connection is not null)
                {
                    failures = 0;
                    var error = await connection.Completion.ConfigureAwait(false);
                    lock (_gate)
                    {
                        if (slot.Connection == connection) slot.Connection = null;
                        slot.Ready = -1;
                    }
                    await connection.DisposeAsync().ConfigureAwait(false);
                    if (_stopping) return;
                    _logger.LogWarning(error, "nsqd {EndPoint} closed the connection", slot.EndPoint);
                    _ = RedistributeQuietlyAsync();
                }
                else
                {
                    failures++;
                }
                if (_discover)
                {
                    // A discovered nsqd comes back only if a lookupd still lists it: drop it and poll now.
                    lock (_gate) _slots.Remove(slot);
                    _pollNow.Writer.TryWrite(true);
                    return;
                }
                await Task.Delay(ReconnectBackoff(failures), token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        finally
        {
            firstAttempt.TrySetResult();
        }
    }

    /// <summary>ReconnectDelay × 2^(failures-1), at most MaxReconnectDelay, with up to 20 % jitter so many clients spread out.</summary>
    private TimeSpan ReconnectBackoff(int failures)
    {
        var exponent = Math.Clamp(failures - 1, 0, 16);
        var delay = _options.ReconnectDelay * (1L << exponent);
        if (delay > _options.MaxReconnectDelay) delay = _options.MaxReconnectDelay;
#pragma warning disable CA5394 // Jitter, not security.
        return delay * (1 + (Random.Shared.NextDouble() * 0.2));
#pragma warning restore CA5394
    }

    private async Task<NsqConnection?> TryConnectAsync(Slot slot, CancellationToken cancellationToken)
    {
        try
        {
            return await ConnectAsync(slot, cancellationToken).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Any failure to connect is retried by the supervisor; it must never end the loop.
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            _logger.LogWarning(ex, "cannot subscribe on nsqd {EndPoint}", slot.EndPoint);
            return null;
        }
    }

    private async Task<NsqConnection> ConnectAsync(Slot slot, CancellationToken cancellationToken)
    {
        var connection = await NsqConnection.ConnectAsync(slot.EndPoint, _settings, _logger, OnMessageAsync, cancellationToken, ReleaseHeldSlot).ConfigureAwait(false);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.ResponseTimeout);
            await connection.SendAsync(static (o, s) => CommandWriter.Sub(o, s.Topic, s.Channel), _options, timeout.Token).ConfigureAwait(false);
            lock (_gate)
            {
                if (_stopping) throw new OperationCanceledException("the consumer is stopping");
                slot.Connection = connection;
                slot.Ready = -1;
            }
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        // RDY for the new connection and the re-spread values for the others.
        await RedistributeQuietlyAsync().ConfigureAwait(false);
        return connection;
    }

    private async Task CloseWaitAsync(NsqConnection connection)
    {
        using var timeout = new CancellationTokenSource(_options.ResponseTimeout);
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
}
