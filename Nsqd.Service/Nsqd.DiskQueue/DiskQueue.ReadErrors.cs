namespace Nsqd.DiskQueue;

/// <summary>
/// Reader-side damage control (go-diskqueue <c>handleReadError</c>, <c>checkTailCorruption</c>):
/// keep serving what is intact, never crash. All members run under <c>_lock</c>.
/// </summary>
public sealed partial class DiskQueue
{
    /// <summary>
    /// A completed segment vanished: jump straight to the next segment that exists (a bogus
    /// metadata range must not cost one iteration per missing number). Its records are lost;
    /// depth is corrected when the reader reaches the writer.
    /// </summary>
    private void SkipMissingSegments()
    {
        long missing = _readFileNum;
        long next = _writeFileNum;
        foreach (long n in _paths.EnumerateSegmentNumbers())
        {
            if (n > missing && n < next)
            {
                next = n;
            }
        }

        Log($"segment {_paths.Segment(missing)} is missing; continuing at segment {next}");
        CloseReadFile();
        _readFileNum = next;
        _readPos = 0;
        SyncLogged();
    }

    /// <summary>
    /// go-diskqueue <c>handleReadError</c>: the segment at readFileNum is corrupt. Rename it to
    /// <c>.bad</c> (kept for inspection, never read again) and go on with the next file; if it was
    /// also the file being written, roll the writer first so new records land in a clean file.
    /// With read confirmation the segment is copied instead (see below).
    /// </summary>
    private void HandleReadError(string problem)
    {
        string path = _paths.Segment(_readFileNum);
        Log($"reading {path} at position {_readPos} - {problem}; the rest of this segment is lost");
        CloseReadFile();
        if (_readFileNum == _writeFileNum)
        {
            CloseWriteFile();
            _writeFileNum++;
            _writePos = 0;
        }

        string badPath = path + ".bad";
        try
        {
            if (_confirmReads)
            {
                // Records of this segment read before the damage may still be unconfirmed (in flight): keep the file
                // where a restart will look for them until the watermark leaves it, and set a copy aside.
                File.Copy(path, badPath, overwrite: true);
                Log($"copied corrupt segment {path} to {badPath}; the original goes once its records are confirmed");
            }
            else
            {
                File.Move(path, badPath, overwrite: true);
                Log($"moved corrupt segment {path} to {badPath}");
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log($"failed to rename corrupt segment {path} to {badPath} - {e.Message}");
        }

        if (!_damagedSegments.Contains(_readFileNum))
        {
            CountDamage(_readFileNum, 1); // the startup scan may have counted it already
        }

        _readFileNum++;
        _readPos = 0;
        SyncLogged();
    }

    /// <summary>
    /// A completed segment ends in a partial record: cut the file back to its last whole record (the records before
    /// it stay where they are, so unconfirmed reads keep their positions) and count it. The partial record was never
    /// acknowledged: its write did not finish.
    /// </summary>
    private void TruncateTornTail(string problem)
    {
        CloseReadFile();
        TruncateSegment(_readFileNum, _readPos, problem);
        Interlocked.Increment(ref _tornTails);
    }

    /// <summary>Cuts segment <paramref name="fileNum"/> back to <paramref name="length"/> bytes and fsyncs it.</summary>
    private void TruncateSegment(long fileNum, long length, string problem)
    {
        string path = _paths.Segment(fileNum);
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
            long size = RandomAccess.GetLength(handle);
            RandomAccess.SetLength(handle, length);
            RandomAccess.FlushToDisk(handle);
            Log($"{path}: {problem}; truncated the torn tail ({size - length} bytes) at {length}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log($"{path}: {problem}; failed to truncate the torn tail at {length} - {e.Message}");
        }
    }

    /// <summary>
    /// go-diskqueue <c>checkTailCorruption</c>: once the reader has caught up with the writer the
    /// queue is empty, so a non-zero depth means the metadata or data was damaged. Cheap when
    /// all is well, since it runs on every read of an empty queue.
    /// </summary>
    private void CheckTailCorruption()
    {
        bool repaired = false;
        long depth = Depth;
        if (depth != 0)
        {
            Log(depth < 0
                ? $"negative depth at tail ({depth}), metadata corruption, resetting 0..."
                : $"positive depth at tail ({depth}), data loss, resetting 0...");
            Interlocked.Exchange(ref _depth, 0);
            repaired = true;
        }

        if (_readFileNum > _writeFileNum || (_readFileNum == _writeFileNum && _readPos > _writePos))
        {
            Log($"read position {_readFileNum},{_readPos} is past write position {_writeFileNum},{_writePos}, " +
                "metadata corruption, skipping both to a new file");
            CloseReadFile();
            CloseWriteFile();
            long next = Math.Max(_readFileNum, _writeFileNum) + 1;
            _readFileNum = next;
            _writeFileNum = next;
            _readPos = 0;
            _writePos = 0;
            repaired = true;
        }

        if (repaired)
        {
            SyncLogged();
        }
    }
}
