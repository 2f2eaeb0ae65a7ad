using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Win32.SafeHandles;

namespace Nsqd.DiskQueue;

/// <summary>
/// Consume side (go-diskqueue <c>readOne</c>/<c>moveForward</c>; damage handling is in
/// DiskQueue.ReadErrors.cs). A record is read and consumed in the same call (no record is decoded ahead of its consumer,
/// unlike go-diskqueue's one-message readChan); only the bytes are read ahead: one pread of up to 64 KiB fills a
/// buffer that serves the next small records (<c>ReadAhead</c> below), larger records are read on their own.
/// All members run under <c>_lock</c>.
/// </summary>
public sealed partial class DiskQueue
{
    private const int ReadAheadSize = 64 * 1024;
    private byte[]? _readAhead;
    private long _readAheadFileNum = -1;
    private long _readAheadStart;
    private int _readAheadLength;

    /// <summary>Whether the open read segment holds checked records (decided when it is opened).</summary>
    private bool _readChecked;

    /// <summary>The flags of the record the last successful read returned (none for go-diskqueue records).</summary>
    private RecordFlags _lastReadFlags;

    private bool ReaderAtWriter =>
        _readFileNum > _writeFileNum || (_readFileNum == _writeFileNum && _readPos >= _writePos);

    /// <summary>Returns the oldest intact record, skipping finished, missing and bad segments.</summary>
    private bool ReadOne([NotNullWhen(true)] out byte[]? record, out long token)
    {
        token = 0;
        while (true)
        {
            if (ReaderAtWriter)
            {
                CheckTailCorruption();
                ReleaseReadAhead();
                record = null;
                return false;
            }

            switch (ReadAtReadPos(out record, out string problem))
            {
                case ReadOutcome.Record:
                    token = RecordToken.Make(_readFileNum, _readPos);
                    _readPos += (_readChecked ? CheckedRecord.HeaderSize : RecordFormat.HeaderSize) + record!.Length;
                    Interlocked.Decrement(ref _depth);
                    // Delete a finished segment as soon as its last record is taken (spec:
                    // "when moving off a segment the old segment file is deleted" + sync).
                    if (_readFileNum < _writeFileNum && _readPos >= _readEnd)
                    {
                        MoveReaderOffSegment();
                        SyncLogged();
                    }

                    if (ReaderAtWriter)
                    {
                        CheckTailCorruption();
                    }

                    return true;
                case ReadOutcome.EndOfSegment:
                    MoveReaderOffSegment();
                    SyncLogged();
                    break;
                case ReadOutcome.Missing:
                    SkipMissingSegments();
                    break;
                case ReadOutcome.Damaged:
                    SkipDamage(problem);
                    break;
                case ReadOutcome.TornTail:
                    TruncateTornTail(problem);
                    MoveReaderOffSegment();
                    SyncLogged();
                    break;
                default:
                    HandleReadError(problem);
                    break;
            }
        }
    }

    /// <summary>
    /// Reads the record at readPos without consuming it. For completed segments
    /// (readFileNum &lt; writeFileNum) the end is the file's real size, which is what lets the
    /// reader salvage a segment whose metadata was stale (spec §5.1 startup).
    /// </summary>
    private ReadOutcome ReadAtReadPos(out byte[]? record, out string problem)
    {
        record = null;
        problem = string.Empty;
        bool completed = _readFileNum < _writeFileNum;
        try
        {
            SafeFileHandle handle = EnsureReadFile();
            long end = completed ? CompletedSegmentEnd(handle) : _writePos;
            long remaining = end - _readPos;
            if (remaining <= 0)
            {
                return ReadOutcome.EndOfSegment;
            }

            if (_readChecked)
            {
                return ReadCheckedAtReadPos(handle, end, out record, out problem);
            }

            // spec §5.1 record format: [int32 big-endian L][L bytes], min <= L <= max.
            if (remaining < RecordFormat.HeaderSize)
            {
                problem = $"torn record: {remaining} trailing bytes cannot hold a length";
                return completed ? ReadOutcome.TornTail : ReadOutcome.Corrupt;
            }

            ReadOnlySpan<byte> header = ReadAhead(handle, _readPos, RecordFormat.HeaderSize, end);
            if (header.Length < RecordFormat.HeaderSize)
            {
                problem = "short read of the record length";
                return ReadOutcome.Corrupt;
            }

            int length = BinaryPrimitives.ReadInt32BigEndian(header);
            if (length < _minMsgSize || length > _maxMsgSize)
            {
                problem = $"invalid message read size ({length}) minMsgSize={_minMsgSize} maxMsgSize={_maxMsgSize}";
                return ReadOutcome.Corrupt;
            }

            if (length > remaining - RecordFormat.HeaderSize)
            {
                problem = $"torn record: length {length} but only {remaining - RecordFormat.HeaderSize} bytes follow";
                return completed ? ReadOutcome.TornTail : ReadOutcome.Corrupt;
            }

            byte[] payload;
            if (length <= ReadAheadSize)
            {
                ReadOnlySpan<byte> bytes = ReadAhead(handle, _readPos + RecordFormat.HeaderSize, length, end);
                if (bytes.Length < length)
                {
                    problem = "short read of the record payload";
                    return ReadOutcome.Corrupt;
                }

                payload = bytes.ToArray();
            }
            else
            {
                payload = new byte[length];
                if (RecordFormat.ReadFully(handle, payload, _readPos + RecordFormat.HeaderSize) < length)
                {
                    problem = "short read of the record payload";
                    return ReadOutcome.Corrupt;
                }
            }

            record = payload;
            _lastReadFlags = RecordFlags.None;
            return ReadOutcome.Record;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            if (completed)
            {
                return ReadOutcome.Missing;
            }

            problem = "the current write segment is missing";
            return ReadOutcome.Corrupt;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem = e.Message;
            return ReadOutcome.Corrupt;
        }
    }

    /// <summary>
    /// A checked record at readPos, validated (header, bounds, CRC) before its payload is returned: anything else is
    /// <see cref="ReadOutcome.Damaged"/>, and the reader skips to the next valid record.
    /// </summary>
    private ReadOutcome ReadCheckedAtReadPos(SafeFileHandle handle, long end, out byte[]? record, out string problem)
    {
        record = null;
        long remaining = end - _readPos;
        ReadOnlySpan<byte> header = remaining >= CheckedRecord.HeaderSize
            ? ReadAhead(handle, _readPos, CheckedRecord.HeaderSize, end)
            : default;
        if (!CheckedRecord.TryCheckHeader(header, remaining, _minMsgSize, _maxMsgSize, out int length, out uint sequence, out problem))
        {
            return ReadOutcome.Damaged;
        }

        int size = CheckedRecord.HeaderSize + length;
        ReadOnlySpan<byte> bytes;
        if (size <= ReadAheadSize)
        {
            bytes = ReadAhead(handle, _readPos, size, end);
        }
        else
        {
            byte[] large = new byte[size];
            bytes = large.AsSpan(0, RecordFormat.ReadFully(handle, large, _readPos));
        }

        if (!CheckedRecord.TryCheckRecord(bytes, length, out problem))
        {
            return ReadOutcome.Damaged;
        }

        record = bytes[CheckedRecord.HeaderSize..].ToArray();
        _lastReadFlags = (RecordFlags)bytes[CheckedRecord.FlagsOffset];
        _lastReadSequence = sequence;
        return ReadOutcome.Record;
    }

    /// <summary>Leaves a fully consumed segment: delete its file, continue at the next one.</summary>
    private void MoveReaderOffSegment()
    {
        CloseReadFile();
        _readFileNum++;
        _readPos = 0;
        DeleteConsumedSegments();
    }

    private void DeleteSegment(long fileNum)
    {
        string path = _paths.Segment(fileNum);
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log($"failed to remove consumed segment {path} - {e.Message}");
        }
    }

    private SafeFileHandle EnsureReadFile()
    {
        if (_readHandle is null || _readHandleFileNum != _readFileNum)
        {
            CloseReadFile();
            _readHandle = File.OpenHandle(_paths.Segment(_readFileNum), FileMode.Open, FileAccess.Read,
                FileShare.ReadWrite | FileShare.Delete);
            _readHandleFileNum = _readFileNum;
            // The write segment is in this queue's format (startup rolls it otherwise); older ones say by their bytes.
            _readChecked = _readFileNum == _writeFileNum
                ? _checked
                : CheckedSegment.IsChecked(_readHandle, RandomAccess.GetLength(_readHandle), _minMsgSize, _maxMsgSize);
        }

        return _readHandle;
    }

    /// <summary>A completed segment never grows again, so its size is fetched once per file.</summary>
    private long CompletedSegmentEnd(SafeFileHandle handle)
    {
        if (_readEnd < 0)
        {
            _readEnd = RandomAccess.GetLength(handle);
        }

        return _readEnd;
    }

    /// <summary>
    /// Returns <paramref name="count"/> bytes at <paramref name="position"/> of the read segment from a read-ahead buffer,
    /// refilled with one pread of up to 64 KiB (never past <paramref name="end"/>, so bytes not yet written or beyond
    /// a completed segment's size are never buffered). One syscall serves a few hundred small records instead of two
    /// per record. Segments are append-only, so buffered bytes below <paramref name="end"/> never change. The buffer
    /// is pooled and handed back when the reader catches up with the writer or the file closes.
    /// </summary>
    private ReadOnlySpan<byte> ReadAhead(SafeFileHandle handle, long position, int count, long end)
    {
        if (_readAhead is not null && _readAheadFileNum == _readFileNum && position >= _readAheadStart
            && position + count <= _readAheadStart + _readAheadLength)
        {
            return _readAhead.AsSpan((int)(position - _readAheadStart), count);
        }

        _readAhead ??= System.Buffers.ArrayPool<byte>.Shared.Rent(ReadAheadSize);
        int want = (int)Math.Min(ReadAheadSize, end - position);
        int got = RecordFormat.ReadFully(handle, _readAhead.AsSpan(0, Math.Max(want, 0)), position);
        _readAheadFileNum = _readFileNum;
        _readAheadStart = position;
        _readAheadLength = got;
        return _readAhead.AsSpan(0, Math.Min(count, got));
    }

    private void ReleaseReadAhead()
    {
        if (_readAhead is not null)
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(_readAhead);
            _readAhead = null;
        }

        _readAheadFileNum = -1;
        _readAheadLength = 0;
    }

    private void CloseReadFile()
    {
        ReleaseReadAhead();
        _readHandle?.Dispose();
        _readHandle = null;
        _readHandleFileNum = -1;
        _readEnd = -1;
    }
}
