namespace Nsqd.DiskQueue;

/// <summary>
/// spec §5.1 sync policy: sync = fsync(current write file) + atomically persist metadata; done
/// every <c>syncEvery</c> reads+writes, by a timer every <c>syncTimeout</c> when anything
/// happened, and on every segment roll and deletion.
/// </summary>
public sealed partial class DiskQueue
{
    /// <summary>Counts one read hand-off or write; syncs when the budget is used up. Under <c>_lock</c>.</summary>
    private void CountOperation()
    {
        if (++_opsSinceSync >= _syncEvery)
        {
            SyncLogged();
        }
    }

    /// <summary>Under <c>_lock</c>; throws on I/O failure.</summary>
    private void Sync()
    {
        if (_writeHandle is not null)
        {
            RandomAccess.FlushToDisk(_writeHandle);
        }

        MetadataFile.WriteAtomic(_paths.MetaPath,
            new DiskQueueMetadata(Depth, _readFileNum, _readPos, _writeFileNum, _writePos));
        _opsSinceSync = 0;
    }

    /// <summary>
    /// Sync whose failure is only logged, like go-diskqueue's ioLoop: the record it follows is
    /// already in the page cache, so failing the Put would only invite a duplicate on retry.
    /// </summary>
    private void SyncLogged()
    {
        try
        {
            Sync();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log($"failed to sync - {e.Message}");
        }
    }

    /// <summary>Timer callback (thread pool): must never throw.</summary>
    private void OnSyncTimer()
    {
        lock (_lock)
        {
            if (!_closed && _opsSinceSync > 0)
            {
                SyncLogged();
            }
        }
    }
}
