using System.Diagnostics;
using Microsoft.Win32.SafeHandles;

namespace Nsqd.DiskQueue;

/// <summary>
/// The startup scan of a checked queue (docs/storage-format.md): every record from the read position to the write
/// position is validated once when the queue opens, so damage is reported at startup rather than when a consumer gets
/// there, the depth is what can really be delivered, and the writer's sequence numbers continue. Runs under <c>_lock</c>.
/// </summary>
public sealed partial class DiskQueue
{
    /// <summary>What the scan carries from one record (and one segment) to the next.</summary>
    private sealed class ScanState
    {
        public long Depth;
        public long Bytes;
        public long PreviousSequence = -1;
        public long PreviousFileNum = -1;

        // A damaged range waiting for the next good record, whose sequence number says how many records it cost.
        public long PendingFileNum = -1;
        public long PendingStart;
        public long PendingEnd;
        public string PendingProblem = string.Empty;
    }

    private void ScanOnOpen()
    {
        long started = Stopwatch.GetTimestamp();
        long previousDepth = _depth;
        var state = new ScanState();
        var numbers = new List<long>();
        foreach (long n in _paths.EnumerateSegmentNumbers())
        {
            if (n >= _readFileNum && n <= _writeFileNum)
            {
                numbers.Add(n);
            }
        }

        numbers.Sort();
        foreach (long n in numbers)
        {
            try
            {
                ScanSegment(n, state);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Log($"cannot scan {_paths.Segment(n)} - {e.Message}");
                FlushPendingDamage(state, 1);
                state.PreviousSequence = -1;
            }
        }

        FlushPendingDamage(state, 1);
        if (state.PreviousSequence >= 0)
        {
            _nextSequence = unchecked((uint)state.PreviousSequence + 1);
        }

        Interlocked.Exchange(ref _depth, state.Depth);
        TimeSpan took = Stopwatch.GetElapsedTime(started);
        if (previousDepth != state.Depth || _damagedSegments.Count > 0 || took > TimeSpan.FromSeconds(1))
        {
            Log($"scanned {numbers.Count} segments ({state.Bytes} bytes) in {took.TotalMilliseconds:F0} ms: depth {state.Depth}" +
                (previousDepth != state.Depth ? $" (metadata said {previousDepth})" : "") +
                $", {CorruptRecords} damaged records in {CorruptSegments} segments");
        }
    }

    private void ScanSegment(long fileNum, ScanState state)
    {
        string path = _paths.Segment(fileNum);
        using SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        long end = fileNum < _writeFileNum ? RandomAccess.GetLength(handle) : _writePos;
        long countFrom = fileNum == _readFileNum ? _readPos : 0;
        if (state.PreviousFileNum >= 0 && fileNum > state.PreviousFileNum + 1)
        {
            // Whole segments are missing: the sequence jump at the next good record counts their records.
            Log($"segments {state.PreviousFileNum + 1}..{fileNum - 1} are missing");
        }

        state.PreviousFileNum = fileNum;
        state.Bytes += Math.Max(0, end - countFrom);
        if (end == 0)
        {
            return;
        }

        if (!CheckedSegment.IsChecked(handle, end, _minMsgSize, _maxMsgSize))
        {
            ScanGoDiskQueueSegment(fileNum, path, countFrom, end, state);
            return;
        }

        using var window = new SegmentWindow(handle);
        long position = 0;
        while (position < end)
        {
            if (CheckedSegment.TryValidate(window, position, end, _minMsgSize, _maxMsgSize,
                    out int length, out uint sequence, out string problem))
            {
                OnGoodRecord(fileNum, position, position >= countFrom, sequence, state);
                position += CheckedRecord.HeaderSize + length;
                continue;
            }

            // The damaged record's length is not to be trusted (only its CRC may have failed, but the flipped bit may be
            // in the length): the next record is the first valid one after its first byte.
            long next = CheckedSegment.FindNextValid(window, position + 1, end, _minMsgSize, _maxMsgSize, out _);
            if (next == end && IsTornTail(window, fileNum, position, end))
            {
                // The last write before a crash, never acknowledged: cut it off as go-diskqueue recovery does.
                TruncateSegment(fileNum, position, problem);
                Interlocked.Increment(ref _tornTails);
                break;
            }

            if (position >= countFrom)
            {
                FlushPendingDamage(state, 1);
                state.PendingFileNum = fileNum;
                state.PendingStart = position;
                state.PendingEnd = next;
                state.PendingProblem = next == end && fileNum < _writeFileNum
                    ? $"{problem}; the segment ends early (truncated)"
                    : problem;
                _knownDamage[RecordToken.Make(fileNum, position)] = next;
            }

            else
            {
                // Damage before the read position was consumed past in an earlier run: not reported, and the
                // sequence numbers on either side of it are no evidence of loss.
                state.PreviousSequence = -1;
            }

            position = next;
        }
    }

    /// <summary>
    /// A partial record at the very end of the segment that was being written at the last stop: the header is cut, or
    /// says more bytes than follow. Only that segment can be torn; in any other a short end is damage.
    /// </summary>
    private bool IsTornTail(SegmentWindow window, long fileNum, long position, long end)
    {
        if (fileNum != _crashWriteFileNum || fileNum >= _writeFileNum)
        {
            return false;
        }

        if (end - position < CheckedRecord.HeaderSize)
        {
            return true;
        }

        return CheckedRecord.TryParseHeader(window.Read(position, CheckedRecord.HeaderSize), _minMsgSize, _maxMsgSize,
            out int length, out _) && position + CheckedRecord.HeaderSize + length > end;
    }

    private void OnGoodRecord(long fileNum, long position, bool counting, uint sequence, ScanState state)
    {
        if (state.PendingFileNum >= 0)
        {
            FlushPendingDamage(state, LostBetween(state.PreviousSequence, sequence));
        }
        else if (counting && state.PreviousSequence >= 0 && sequence != unchecked((uint)state.PreviousSequence + 1))
        {
            long lost = LostBetween(state.PreviousSequence, sequence);
            // At a segment's first record the previous segment was cut (or removed) at a record boundary.
            ReportMissingRecords(position == 0 && fileNum > _readFileNum ? fileNum - 1 : fileNum, lost,
                $"before offset {position} of segment {fileNum}");
        }

        state.PreviousSequence = sequence;
        if (counting)
        {
            state.Depth++;
        }
    }

    private void FlushPendingDamage(ScanState state, long lost)
    {
        if (state.PendingFileNum < 0)
        {
            return;
        }

        ReportDamage(state.PendingFileNum, state.PendingStart, state.PendingEnd, lost, state.PendingProblem);
        state.PendingFileNum = -1;
    }

    /// <summary>
    /// A go-diskqueue segment in a checked queue (written before the upgrade): lengths are all it can check, and the rest
    /// of the segment after a bad one is lost, as before; the reader sets the segment aside when it gets there.
    /// </summary>
    private void ScanGoDiskQueueSegment(long fileNum, string path, long countFrom, long end, ScanState state)
    {
        FlushPendingDamage(state, 1);
        state.PreviousSequence = -1;
        long count = SegmentScanner.CountRecords(path, _minMsgSize, _maxMsgSize, countFrom, end, out long stoppedAt);
        state.Depth += count;
        if (stoppedAt < end && !(fileNum == _crashWriteFileNum && fileNum < _writeFileNum))
        {
            Log($"{path}: go-diskqueue records damaged at {stoppedAt}: the rest of the segment ({end - stoppedAt} bytes) is lost");
            CountDamage(fileNum, 1);
        }
    }
}
