using Microsoft.Win32.SafeHandles;

namespace Nsqd.DiskQueue;

/// <summary>
/// Startup (go-diskqueue <c>retrieveMetaData</c> plus recovery Go lacks). Principle: never crash
/// and never destroy or overwrite data; at worst records are re-delivered. Runs under <c>_lock</c>.
/// </summary>
public sealed partial class DiskQueue
{
    /// <summary>
    /// The segment that was being written when the queue was last closed or the process died: the only one that may
    /// legitimately end in a partial (torn) record. Every older segment was fsynced whole when it was rolled.
    /// </summary>
    private long _crashWriteFileNum;

    /// <summary>Missing meta = empty queue; unusable meta = move it aside and scan the segments.</summary>
    private void LoadMetadata()
    {
        string path = _paths.MetaPath;
        string? problem;
        try
        {
            string? text = MetadataFile.TryRead(path);
            if (text is null)
            {
                return;
            }

            if (DiskQueueMetadata.TryParse(text, out DiskQueueMetadata meta) && meta.IsConsistent)
            {
                _depth = meta.Depth;
                _readFileNum = meta.ReadFileNum;
                _readPos = meta.ReadPos;
                _writeFileNum = meta.WriteFileNum;
                _writePos = meta.WritePos;
                _crashWriteFileNum = meta.WriteFileNum;
                return;
            }

            problem = $"unusable content \"{text.ReplaceLineEndings("\\n")}\"";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem = e.Message;
        }

        Log($"metadata {path}: {problem}; moving it aside and recovering by scanning segment files");
        MoveAsideBad(path);
        RecoverByScanning();
        SyncLogged();
    }

    /// <summary>
    /// Rebuilds positions from the segments on disk: read from the oldest, count intact records
    /// for depth, and write into a fresh segment after the newest so nothing is overwritten.
    /// The reader treats all old segments as completed and reads them through their real size.
    /// </summary>
    private void RecoverByScanning()
    {
        var numbers = _paths.EnumerateSegmentNumbers().Order().ToList();
        if (numbers.Count == 0)
        {
            Log("no segment files found; starting empty");
            return;
        }

        long depth = 0;
        foreach (long n in _checked ? [] : numbers)
        {
            string segment = _paths.Segment(n);
            try
            {
                depth += SegmentScanner.CountRecords(segment, _minMsgSize, _maxMsgSize);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Log($"cannot scan {segment} - {e.Message}");
            }
        }

        _depth = depth;
        _readFileNum = numbers[0];
        _readPos = 0;
        _writeFileNum = numbers[^1] + 1;
        _writePos = 0;
        _crashWriteFileNum = numbers[^1];
        Log(_checked
            ? $"recovering {numbers.Count} segments ({numbers[0]}..{numbers[^1]}); writing continues in segment {_writeFileNum}"
            : $"recovered {depth} records in {numbers.Count} segments ({numbers[0]}..{numbers[^1]}); " +
            $"writing continues in segment {_writeFileNum}");
    }

    /// <summary>
    /// go-diskqueue PR #31: when the write segment's size disagrees with writePos the metadata is
    /// stale (process crash before sync: file larger) or ahead of the data (OS crash: file
    /// smaller or missing). Appending at writePos would overwrite records or leave a hole, so
    /// start a new segment; the old one becomes "completed" and is read through its real size
    /// (duplicates possible, no loss), with any torn tail record moved to .bad by the reader.
    /// </summary>
    private void ReconcileWriteSegment()
    {
        string segment = _paths.Segment(_writeFileNum);
        var info = new FileInfo(segment);
        long size = info.Exists ? info.Length : -1;
        if (size == _writePos || (size < 0 && _writePos == 0))
        {
            return;
        }

        Log(size > _writePos
            ? $"{segment} is {size} bytes but metadata says writePos {_writePos} (not synced before a crash); " +
              $"writing continues in segment {_writeFileNum + 1}, the old segment is read through its real size"
            : $"{segment} is {(size < 0 ? "missing" : $"{size} bytes")} but metadata says writePos {_writePos} " +
              $"(records lost before a crash); writing continues in segment {_writeFileNum + 1}");
        if (size > _writePos && !_checked)
        {
            // Records the stale metadata does not count: the reader will serve them, so depth must include them
            // (a consumer only reads while depth > 0). A checked queue counts every record in its startup scan.
            try
            {
                long extra = SegmentScanner.CountRecords(segment, _minMsgSize, _maxMsgSize, _writePos);
                Interlocked.Add(ref _depth, extra);
                Log($"counted {extra} records past writePos in {segment}");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Log($"cannot scan {segment} - {e.Message}");
            }
        }

        _writeFileNum++;
        _writePos = 0;
        SyncLogged();
    }

    /// <summary>
    /// Each segment holds records of one format: if the write segment already holds records of the other format (a
    /// data directory that changed mode, or written before checked records existed), new records go to a new segment.
    /// </summary>
    private void StartNewSegmentIfOtherFormat()
    {
        if (_writePos == 0)
        {
            return;
        }

        string segment = _paths.Segment(_writeFileNum);
        try
        {
            using SafeFileHandle handle = File.OpenHandle(segment, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            if (CheckedSegment.IsChecked(handle, _writePos, _minMsgSize, _maxMsgSize) == _checked)
            {
                return;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log($"cannot read {segment} - {e.Message}");
        }

        Log($"{segment} holds {(_checked ? "go-diskqueue" : "checked")} records; writing continues in segment {_writeFileNum + 1}");
        _writeFileNum++;
        _writePos = 0;
        SyncLogged();
    }

    private void MoveAsideBad(string path)
    {
        try
        {
            File.Move(path, path + ".bad", overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log($"failed to move {path} aside - {e.Message}");
        }
    }
}
