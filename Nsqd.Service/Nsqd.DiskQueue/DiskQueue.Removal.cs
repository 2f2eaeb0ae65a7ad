namespace Nsqd.DiskQueue;

/// <summary>Empty and Delete: dropping the queue's contents or the whole queue.</summary>
public sealed partial class DiskQueue
{
    /// <inheritdoc />
    /// <remarks>
    /// spec §5.1 Empty: delete the segments, then <c>writeFileNum++</c>, positions 0, depth 0 —
    /// numbering continues, so the metadata reads <c>0\n1,0\n1,0\n</c> after emptying a fresh queue.
    /// Go deletes the meta file and rewrites it at the next sync; writing it now instead means a
    /// crash in between cannot leave records in segment N+1 with no metadata pointing at them.
    /// </remarks>
    /// <exception cref="IOException">Some file could not be removed or the metadata not written (the queue is reset anyway).</exception>
    public void Empty()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            Log("emptying");
            CloseReadFile();
            CloseWriteFile();
            List<string> failures = RemoveSegmentFiles();
            _writeFileNum++;
            _writePos = 0;
            _readFileNum = _writeFileNum;
            _readPos = 0;
            ResetConfirmations();
            _knownDamage.Clear();
            _lastReadSequence = -1;
            _keepFromFileNum = _readFileNum;
            Interlocked.Exchange(ref _depth, 0);
            try
            {
                Sync();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                failures.Add($"{_paths.MetaPath}: {e.Message}");
            }

            ThrowIfFailed(failures);
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// nsqd calls Empty first; removing the segments here too makes Delete complete on its own.
    /// <c>.bad</c> files are left for inspection.
    /// </remarks>
    /// <exception cref="IOException">Some file could not be removed (the queue is closed anyway).</exception>
    public void Delete()
    {
        lock (_lock)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            _syncTimer?.Dispose();
            // A background sync that snapshotted before this point must not recreate the metadata file.
            lock (_metaLock)
            {
                _metaWrittenSeq = long.MaxValue;
            }

            CloseReadFile();
            CloseWriteFile();
            List<string> failures = RemoveSegmentFiles();
            TryRemove(_paths.MetaPath, failures);
            ThrowIfFailed(failures);
        }
    }

    /// <summary>
    /// Removes every segment of this queue that exists on disk — found by listing the directory
    /// rather than looping readFileNum..writeFileNum, which could be a huge range under bogus
    /// metadata. Handles must be closed first.
    /// </summary>
    private List<string> RemoveSegmentFiles()
    {
        var failures = new List<string>();
        try
        {
            foreach (long n in _paths.EnumerateSegmentNumbers().ToList())
            {
                TryRemove(_paths.Segment(n), failures);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            failures.Add($"listing segments: {e.Message}");
        }

        return failures;
    }

    private void TryRemove(string path, List<string> failures)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log($"failed to remove {path} - {e.Message}");
            failures.Add($"{path}: {e.Message}");
        }
    }

    private static void ThrowIfFailed(List<string> failures)
    {
        if (failures.Count > 0)
        {
            throw new IOException("diskqueue files could not be removed: " + string.Join("; ", failures));
        }
    }
}
