using Microsoft.Extensions.Logging;

namespace Nsqd.Core;

/// <summary>The broker's own start (data-path lock, metadata, scan loop, statsd) and its clean shutdown (spec §5.3);
/// the web host around it is <see cref="NsqdServer"/>'s.</summary>
internal sealed partial class Broker
{
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
