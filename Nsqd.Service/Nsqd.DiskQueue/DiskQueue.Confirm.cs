using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Win32.SafeHandles;

namespace Nsqd.DiskQueue;

/// <summary>
/// Read confirmation (an ack watermark): with <c>confirmReads</c> the metadata's read position is the oldest record
/// read but not yet confirmed, and segments are deleted only once the watermark has left them. Records are read in
/// order, so the outstanding tokens form an ascending queue; a confirmation out of order waits in a set until every
/// older record is confirmed too. All members run under <c>_lock</c> unless stated otherwise.
/// </summary>
public sealed partial class DiskQueue
{
    private readonly bool _confirmReads;
    private readonly Queue<long> _outstanding = new();
    private readonly HashSet<long> _confirmedEarly = [];
    private long _keepFromFileNum;

    /// <summary>Records read but not confirmed yet (always 0 without read confirmation).</summary>
    public int Unconfirmed
    {
        get
        {
            lock (_lock)
            {
                return _outstanding.Count;
            }
        }
    }

    /// <inheritdoc />
    public void Confirm(long token)
    {
        if (!_confirmReads)
        {
            return;
        }

        lock (_lock)
        {
            if (_closed || _outstanding.Count == 0)
            {
                return;
            }

            long oldest = _outstanding.Peek();
            if (token < oldest)
            {
                return; // stale (confirmed before an Empty)
            }

            if (oldest != token)
            {
                _confirmedEarly.Add(token);
                return;
            }

            _outstanding.Dequeue();
            while (_outstanding.TryPeek(out long next) && _confirmedEarly.Remove(next))
            {
                _outstanding.Dequeue();
            }

            DeleteConsumedSegments();
        }
    }

    /// <inheritdoc />
    public bool TryReadAt(long token, [NotNullWhen(true)] out byte[]? record) => TryReadAt(token, out record, out _);

    /// <inheritdoc />
    public bool TryReadAt(long token, [NotNullWhen(true)] out byte[]? record, out RecordFlags flags)
    {
        record = null;
        flags = RecordFlags.None;
        long fileNum = RecordToken.FileNum(token);
        long position = RecordToken.Position(token);
        lock (_lock)
        {
            if (_closed)
            {
                return false;
            }
        }

        try
        {
            using SafeFileHandle handle = File.OpenHandle(_paths.Segment(fileNum), FileMode.Open, FileAccess.Read,
                FileShare.ReadWrite | FileShare.Delete);
            Span<byte> header = stackalloc byte[CheckedRecord.HeaderSize];
            int got = RecordFormat.ReadFully(handle, header, position);
            if (CheckedRecord.StartsChecked(header[..got]))
            {
                return TryReadCheckedAt(handle, header[..got], fileNum, position, out record, out flags);
            }

            if (got < RecordFormat.HeaderSize)
            {
                return false;
            }

            int length = BinaryPrimitives.ReadInt32BigEndian(header);
            if (length < _minMsgSize || length > _maxMsgSize)
            {
                Log($"invalid message read size ({length}) at {fileNum},{position} minMsgSize={_minMsgSize} maxMsgSize={_maxMsgSize}");
                return false;
            }

            byte[] payload = new byte[length];
            if (RecordFormat.ReadFully(handle, payload, position + RecordFormat.HeaderSize) < length)
            {
                return false;
            }

            record = payload;
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log($"cannot read back record {fileNum},{position} - {e.Message}");
            return false;
        }
    }

    /// <summary>A checked record read back by its token: returned only when header and CRC are valid.</summary>
    private bool TryReadCheckedAt(SafeFileHandle handle, ReadOnlySpan<byte> header, long fileNum, long position,
        [NotNullWhen(true)] out byte[]? record, out RecordFlags flags)
    {
        record = null;
        flags = RecordFlags.None;
        long remaining = RandomAccess.GetLength(handle) - position;
        if (CheckedRecord.TryCheckHeader(header, remaining, _minMsgSize, _maxMsgSize, out int length, out _, out string problem))
        {
            byte[] bytes = new byte[CheckedRecord.HeaderSize + length];
            int read = RecordFormat.ReadFully(handle, bytes, position);
            if (CheckedRecord.TryCheckRecord(bytes.AsSpan(0, read), length, out problem))
            {
                record = bytes[CheckedRecord.HeaderSize..];
                flags = (RecordFlags)bytes[CheckedRecord.FlagsOffset];
                return true;
            }
        }

        Log($"cannot read back record {fileNum},{position} - {problem}");
        return false;
    }

    /// <summary>The persisted read position: the oldest unconfirmed record, else the reader's position.</summary>
    private (long FileNum, long Pos) Watermark() =>
        _outstanding.TryPeek(out long oldest)
            ? (RecordToken.FileNum(oldest), RecordToken.Position(oldest))
            : (_readFileNum, _readPos);

    /// <summary>Deletes the segments both the reader and the watermark have left.</summary>
    private void DeleteConsumedSegments()
    {
        long upTo = _confirmReads ? Watermark().FileNum : _readFileNum;
        if (upTo - _keepFromFileNum > 64)
        {
            // A jump (missing segments, repaired metadata): delete what exists instead of trying every number.
            foreach (long n in _paths.EnumerateSegmentNumbers().ToList())
            {
                if (n >= _keepFromFileNum && n < upTo && n != _writeFileNum)
                {
                    DeleteSegment(n);
                }
            }

            _keepFromFileNum = upTo;
            return;
        }

        for (; _keepFromFileNum < upTo; _keepFromFileNum++)
        {
            if (_keepFromFileNum != _writeFileNum)
            {
                DeleteSegment(_keepFromFileNum);
            }
        }
    }

    /// <summary>Forgets every outstanding read (Empty).</summary>
    private void ResetConfirmations()
    {
        _outstanding.Clear();
        _confirmedEarly.Clear();
    }
}
