using Microsoft.Extensions.Logging;
using Nsqd.Core.Infrastructure;

namespace Nsqd.Core;

/// <summary>The broker's background loop: message deadlines and client heartbeats.</summary>
internal sealed partial class Broker
{
    private CancellationTokenSource? _loopCts;
    private Task _loop = Task.CompletedTask;

    /// <summary>
    /// One loop for the whole broker (instead of nsqd's sampled scan workers): every QueueScanInterval it expires in-flight
    /// messages, releases due deferred messages, sends heartbeats and drops clients silent for 2× their heartbeat.
    /// </summary>
    private async Task ScanLoopAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(Options.QueueScanInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
            {
                var now = Clock.NowMs;
                foreach (var t in _topics.Values)
                    foreach (var c in t.Channels)
                        c.ProcessDeadlines(now);
                foreach (var client in _clients.Values) client.OnTick(now);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex)
        {
            Logger.LogCritical(ex, "scan loop failed");
        }
    }
}
