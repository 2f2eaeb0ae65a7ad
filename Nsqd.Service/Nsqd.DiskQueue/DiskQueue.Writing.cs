using System.Buffers;
using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace Nsqd.DiskQueue;

/// <summary>
/// Append side (go-diskqueue <c>writeOne</c>), in go-diskqueue or checked records (docs/storage-format.md).
/// All members run under <c>_lock</c>.
/// </summary>
public sealed partial class DiskQueue
{
    private bool _directoryDirty;

    /// <summary>The sequence number of the next checked record (continues the newest record found at startup).</summary>
    private uint _nextSequence;

    /// <summary>
    /// spec §5.1 writing: roll when <c>writePos &gt; 0 &amp;&amp; writePos + header + L &gt; maxBytesPerFile</c>
    /// (so only a single oversized record can exceed the limit), then one positional write of the record
    /// (<c>[int32 BE L][payload]</c>, or the checked header and payload). No user-space buffer: once this returns, a process crash
    /// cannot lose the record (an OS crash still can until the next fsync).
    /// </summary>
    private void WriteOne(ReadOnlySpan<byte> record, RecordFlags flags = RecordFlags.None)
    {
        int headerSize = _checked ? CheckedRecord.HeaderSize : RecordFormat.HeaderSize;
        int total = headerSize + record.Length;
        if (_writePos > 0 && _writePos + total > _maxBytesPerFile)
        {
            RollWriter();
        }

        SafeFileHandle handle = EnsureWriteFile();
        byte[] buffer = ArrayPool<byte>.Shared.Rent(total);
        try
        {
            Span<byte> span = buffer.AsSpan(0, total);
            if (_checked)
            {
                CheckedRecord.WriteHeader(span, record, _nextSequence, flags);
            }
            else
            {
                BinaryPrimitives.WriteInt32BigEndian(span, record.Length);
            }

            record.CopyTo(span[headerSize..]);
            RandomAccess.Write(handle, span, _writePos);
        }
        catch (IOException)
        {
            AbandonPartialWrite();
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        _writePos += total;
        _nextSequence++;
        Interlocked.Increment(ref _depth);
    }

    /// <summary>
    /// Appends records given in go-diskqueue framing (<c>[int32 BE L][payload]</c> back to back) with one positional
    /// write per segment they land in, instead of one per record; a checked queue re-frames them first.
    /// </summary>
    private void WriteFramed(ReadOnlySpan<byte> framed, ReadOnlySpan<RecordFlags> flags)
    {
        if (!_checked)
        {
            WriteFramedRecords(framed);
            return;
        }

        // Re-frame into checked records (header with the next sequence numbers and a CRC per record).
        int count = 0;
        int size = 0;
        for (int offset = 0; offset < framed.Length; count++)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(framed[offset..]);
            size += CheckedRecord.HeaderSize + length;
            offset += RecordFormat.HeaderSize + length;
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            int input = 0;
            int output = 0;
            uint sequence = _nextSequence;
            for (int i = 0; i < count; i++)
            {
                int length = BinaryPrimitives.ReadInt32BigEndian(framed[input..]);
                ReadOnlySpan<byte> payload = framed.Slice(input + RecordFormat.HeaderSize, length);
                CheckedRecord.WriteHeader(buffer.AsSpan(output), payload, sequence++, flags.IsEmpty ? RecordFlags.None : flags[i]);
                payload.CopyTo(buffer.AsSpan(output + CheckedRecord.HeaderSize));
                input += RecordFormat.HeaderSize + length;
                output += CheckedRecord.HeaderSize + length;
            }

            WriteFramedRecords(buffer.AsSpan(0, size));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Size of the record at <paramref name="offset"/> of records framed in this queue's format.</summary>
    private int FramedRecordSize(ReadOnlySpan<byte> framed, int offset) => _checked
        ? CheckedRecord.HeaderSize + BinaryPrimitives.ReadInt32BigEndian(framed[(offset + 4)..])
        : RecordFormat.HeaderSize + BinaryPrimitives.ReadInt32BigEndian(framed[offset..]);

    /// <summary>
    /// Writes records framed in this queue's format with one positional write per segment they land in. The roll rule
    /// is applied per record, exactly as <see cref="WriteOne"/> would, so the files are byte-identical to single puts.
    /// The sequence counter advances per chunk written, so a failed write leaves no gap for the next records.
    /// </summary>
    private void WriteFramedRecords(ReadOnlySpan<byte> framed)
    {
        int offset = 0;
        while (offset < framed.Length)
        {
            int first = FramedRecordSize(framed, offset);
            if (_writePos > 0 && _writePos + first > _maxBytesPerFile)
            {
                RollWriter();
            }

            // Take every following record that still fits this segment.
            int chunk = first;
            int records = 1;
            while (offset + chunk < framed.Length)
            {
                int next = FramedRecordSize(framed, offset + chunk);
                if (_writePos + chunk + next > _maxBytesPerFile)
                {
                    break;
                }

                chunk += next;
                records++;
            }

            SafeFileHandle handle = EnsureWriteFile();
            try
            {
                RandomAccess.Write(handle, framed.Slice(offset, chunk), _writePos);
            }
            catch (IOException)
            {
                AbandonPartialWrite();
                throw;
            }

            _writePos += chunk;
            _nextSequence += (uint)records;
            Interlocked.Add(ref _depth, records);
            CountOperation(records);
            offset += chunk;
        }
    }

    /// <summary>
    /// Before the first flagged record of a queue writing go-diskqueue records: only checked records carry flags, and a
    /// segment holds one format, so writing continues in a new segment of checked records, for the rest of this
    /// queue's life in this process (a reopened queue starts a go-diskqueue segment again, docs/storage-format.md).
    /// </summary>
    private void SwitchToChecked()
    {
        if (_checked)
        {
            return;
        }

        if (_writePos > 0)
        {
            RollWriter();
        }
        else if (_readHandleFileNum == _writeFileNum)
        {
            // The reader opened the empty write segment as go-diskqueue; it has read nothing from it.
            _readChecked = true;
        }

        _checked = true;
        Log($"a record with flags: writing checked records from segment {_writeFileNum}");
    }

    /// <summary>
    /// Starts the next segment: fsync and close the finished one, persist metadata (spec: sync on
    /// every roll). If the reader had already consumed the finished segment entirely it is
    /// deleted right away instead of lingering until the next read attempt.
    /// </summary>
    private void RollWriter()
    {
        bool readerAtEnd = _readFileNum == _writeFileNum && _readPos == _writePos;
        if (_writeHandle is not null)
        {
            try
            {
                RandomAccess.FlushToDisk(_writeHandle);
            }
            catch (IOException e)
            {
                Log($"failed to fsync {_paths.Segment(_writeFileNum)} on roll - {e.Message}");
            }
        }

        CloseWriteFile();
        _writeFileNum++;
        _writePos = 0;
        if (readerAtEnd)
        {
            MoveReaderOffSegment();
        }

        SyncLogged();
    }

    private SafeFileHandle EnsureWriteFile()
    {
        if (_writeHandle is null)
        {
            // FileStream only to get 0600 at creation (File.OpenHandle has no create mode);
            // every write then goes through RandomAccess on its handle at an explicit offset.
            _writeStream = new FileStream(_paths.Segment(_writeFileNum),
                MetadataFile.CreateOptions(FileMode.OpenOrCreate, FileAccess.Write));
            _writeHandle = _writeStream.SafeFileHandle;
            // The new file's directory entry must reach the disk too before a record in it counts as durable.
            _directoryDirty = true;
        }

        return _writeHandle;
    }

    /// <summary>
    /// After a failed write (disk full...) cut off whatever part of the record reached the file,
    /// so the segment never holds bytes past writePos that startup would mistake for an unsynced
    /// tail. Then close: Go also reopens the file on the next write.
    /// </summary>
    private void AbandonPartialWrite()
    {
        try
        {
            if (_writeHandle is not null && RandomAccess.GetLength(_writeHandle) > _writePos)
            {
                RandomAccess.SetLength(_writeHandle, _writePos);
            }
        }
        catch (IOException e)
        {
            Log($"failed to truncate {_paths.Segment(_writeFileNum)} to {_writePos} after a failed write - {e.Message}");
        }

        CloseWriteFile();
    }

    private void CloseWriteFile()
    {
        _writeStream?.Dispose();
        _writeStream = null;
        _writeHandle = null;
    }
}
