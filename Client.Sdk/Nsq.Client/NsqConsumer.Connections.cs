using System.Net;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Nsq.Client.Internal;
using Nsq.Protocol.V2;

namespace Nsq.Client;

/// <summary>Connections to nsqd: connect, SUB, RDY spread across connections (spec §9.3), loss and reconnection.</summary>
public sealed partial class NsqConsumer
{
    private async Task<bool> TryConnectAsync(Slot slot, CancellationToken cancellationToken)
    {
        try
        {
            await ConnectAsync(slot, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is NsqException or IOException or System.Net.Sockets.SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            _logger.LogWarning(ex, "cannot subscribe on nsqd {EndPoint}", slot.EndPoint);
            return false;
        }
    }

    private async Task ConnectAsync(Slot slot, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime.Token);
        timeout.CancelAfter(_options.DialTimeout);
        var connection = await NsqConnection.ConnectAsync(slot.EndPoint, _settings, _logger, OnMessageAsync, timeout.Token).ConfigureAwait(false);
        try
        {
            await connection.SendAsync(static (o, s) => CommandWriter.Sub(o, s.Topic, s.Channel), _options, timeout.Token).ConfigureAwait(false);
            lock (_gate)
            {
                slot.Connection = connection;
                slot.Ready = -1;
                if (_discover) _slots.Add(slot);
            }
            // RDY for the new connection (this one must succeed) and, with lookupd, the lowered value for the others.
            await RedistributeAsync(connection, timeout.Token).ConfigureAwait(false);
        }
        catch
        {
            lock (_gate)
            {
                if (_discover && slot.Connection == connection) _slots.Remove(slot);
            }
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        connection.Closed += (c, error) => OnClosed(slot, c, error);
        if (_stopping || connection.IsClosed) OnClosed(slot, connection, null);
    }

    /// <summary>Sends RDY max(1, MaxInFlight / connections) to every open connection whose RDY differs from it.</summary>
    private async Task RedistributeAsync(NsqConnection? mustSucceed, CancellationToken cancellationToken)
    {
        await _rdyLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            (NsqConnection Connection, int Ready)[] work;
            lock (_gate)
            {
                if (_stopping) return;
                var target = ReadyTarget();
                work = [.. _slots.Where(s => s.Connection is { IsClosed: false } && s.Ready != target).Select(s => (s.Connection!, target))];
                foreach (var s in _slots) if (s.Connection is { IsClosed: false }) s.Ready = target;
            }
            foreach (var (connection, ready) in work)
            {
                try
                {
                    await connection.WriteAsync(static (o, n) => CommandWriter.Rdy(o, n), ready, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (connection != mustSucceed && (ex is NsqException or IOException or OperationCanceledException))
                {
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
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_lifetime.Token);
        timeout.CancelAfter(_options.DialTimeout);
        try
        {
            await RedistributeAsync(null, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private void OnClosed(Slot slot, NsqConnection connection, Exception? error)
    {
        if (_discover)
        {
            // With lookupd there is no reconnecting here: drop the connection, re-balance RDY, and poll now; the nsqd
            // comes back only if a lookupd still lists it.
            bool removed;
            lock (_gate)
            {
                removed = slot.Connection == connection && _slots.Remove(slot);
                if (removed) _retired.Add(connection);
            }
            if (_stopping || !removed) return;
            _logger.LogWarning(error, "nsqd {EndPoint} closed the connection; polling lookupd", slot.EndPoint);
            _pollNow.Writer.TryWrite(true);
            _ = RedistributeQuietlyAsync();
            return;
        }
        if (_stopping || error is null) return;
        _logger.LogWarning(error, "nsqd {EndPoint} dropped the connection; reconnecting", slot.EndPoint);
        _ = ReconnectAsync(slot);
    }

    private async Task ReconnectAsync(Slot slot)
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
            if (await TryConnectAsync(slot, _lifetime.Token).ConfigureAwait(false)) return;
        }
    }
}
