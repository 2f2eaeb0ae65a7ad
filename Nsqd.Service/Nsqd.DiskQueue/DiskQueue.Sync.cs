namespace Nsqd.DiskQueue;

/// <summary>
/// spec §5.1 sync policy: sync = fsync(current write file) + atomically persist metadata; done
/// every <c>syncEvery</c> reads+writes, by a timer every <c>syncTimeout</c> when anything
/// happened, and on every segment roll and deletion.
/// The <c>syncEvery</c> sync runs on the thread pool, not on the caller's thread: a put must not
/// wait for an fsync (measured here: inline syncs every 2500 ops cut put throughput by ~2/3).
/// The metadata it writes is a snapshot taken under the lock, so it never claims more than was
/// written before the fsync that follows the snapshot.
/// </summary>
public sealed partial class DiskQueue
{
    private readonly Lock _metaLock = new();
    private long _metaSeq;
    private long _metaWrittenSeq;
    private int _syncScheduled;

    /// <summary>Counts read hand-offs or writes; schedules a sync when the budget is used up. Under <c>_lock</c>.</summary>
    private void CountOperation(int count = 1)
    {
        _opsSinceSync += count;
        if (_opsSinceSync < _syncEvery)
        {
            return;
        }

        if (_syncEvery == 1)
        {
            // --sync-every=1 asks for an fsync per operation before the call returns.
            SyncLogged();
            return;
        }

        _opsSinceSync = 0;
        if (Interlocked.Exchange(ref _syncScheduled, 1) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static q => q.BackgroundSync(), this, preferLocal: false);
        }
    }

    private void BackgroundSync()
    {
        try
        {
            Microsoft.Win32.SafeHandles.SafeFileHandle? handle;
            DiskQueueMetadata snapshot;
            long seq;
            lock (_lock)
            {
                if (_closed)
                {
                    return;
                }

                handle = _writeHandle;
                snapshot = Snapshot();
                seq = ++_metaSeq;
            }

            try
            {
                if (handle is not null)
                {
                    RandomAccess.FlushToDisk(handle);
                }
            }
            catch (ObjectDisposedException)
            {
                // The segment was rolled (and fsynced by the roll) meanwhile.
            }

            WriteMetadata(snapshot, seq);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log($"failed to sync - {e.Message}");
        }
        finally
        {
            Volatile.Write(ref _syncScheduled, 0);
        }
    }

    /// <summary>The state to persist; with read confirmation the read position is the watermark and depth counts from it.</summary>
    private DiskQueueMetadata Snapshot()
    {
        (long readFileNum, long readPos) = Watermark();
        return new(Depth + _outstanding.Count, readFileNum, readPos, _writeFileNum, _writePos);
    }

    /// <inheritdoc />
    /// <remarks>Runs without the queue lock during the fsync, so writers are not held up by it.</remarks>
    public void FlushWrites()
    {
        Microsoft.Win32.SafeHandles.SafeFileHandle? handle;
        bool directory;
        lock (_lock)
        {
            if (_closed)
            {
                return;
            }

            handle = _writeHandle;
            directory = _directoryDirty;
            _directoryDirty = false;
        }

        try
        {
            if (handle is not null)
            {
                RandomAccess.FlushToDisk(handle);
            }
        }
        catch (ObjectDisposedException)
        {
            // Rolled meanwhile: the roll fsynced the finished segment.
        }

        if (directory)
        {
            DirectorySync.Flush(_paths.DataPath);
        }
    }

    /// <summary>Writes a snapshot unless a newer one is already on disk (syncs may finish out of order).</summary>
    private void WriteMetadata(DiskQueueMetadata snapshot, long seq)
    {
        lock (_metaLock)
        {
            if (seq < _metaWrittenSeq)
            {
                return;
            }

            MetadataFile.WriteAtomic(_paths.MetaPath, snapshot);
            _metaWrittenSeq = seq;
        }
    }

    /// <summary>Under <c>_lock</c>; throws on I/O failure.</summary>
    private void Sync()
    {
        if (_writeHandle is not null)
        {
            RandomAccess.FlushToDisk(_writeHandle);
        }

        WriteMetadata(Snapshot(), ++_metaSeq);
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
