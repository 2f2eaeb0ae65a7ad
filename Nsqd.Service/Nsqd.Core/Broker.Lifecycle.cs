using Microsoft.Extensions.Logging;
using Nsqd.Core.Infrastructure;

namespace Nsqd.Core;

/// <summary>The broker's background loop (deadlines and heartbeats) and its clean shutdown (spec §5.3).</summary>
internal sealed partial class Broker
{
    private CancellationTokenSource? _loopCts;
    private Task _loop = Task.CompletedTask;
    private FileStream? _dataLock;
    private Telemetry.StatsdPusher? _statsd;

    public void Start()
    {
        Directory.CreateDirectory(Storage.DataPath);
        try
        {
            // FileShare.None takes an exclusive flock on Unix: a second broker on the same path fails like nsqd's.
            _dataLock = new FileStream(Path.Combine(Storage.DataPath, ".nsqd.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            throw new InvalidOperationException($"failed to lock data-path: {ex.Message}", ex);
        }
        LoadMetadata();
        PersistMetadata();
        _loopCts = new CancellationTokenSource();
        _loop = Task.Run(() => ScanLoopAsync(_loopCts.Token));
        _statsd = Telemetry.StatsdPusher.Start(this);
    }

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

    /// <summary>
    /// Clean shutdown: stop the loop, close client connections, persist metadata, flush every topic and channel
    /// (memory, in-flight, deferred) to disk, release the data-path lock.
    /// </summary>
    public async Task StopAsync()
    {
        if (IsExiting) return;
        IsExiting = true;
        _loopCts?.Cancel();
        await _loop.ConfigureAwait(false);
        if (_statsd is not null) await _statsd.DisposeAsync().ConfigureAwait(false);
        foreach (var c in _clients.Values) c.Abort();
        PersistMetadata();
        foreach (var t in _topics.Values)
        {
            try
            {
                t.FlushAndClose();
            }
            catch (IOException ex)
            {
                Logger.LogError(ex, "failed to flush topic {Topic}", t.Name);
            }
        }
        Commit?.Dispose();
        await Lookup.StopAsync().ConfigureAwait(false); // closes the lookupd connections; no UNREGISTER (spec §5.3)
        _dataLock?.Dispose();
        _loopCts?.Dispose();
        Metrics.Dispose();
    }
}
