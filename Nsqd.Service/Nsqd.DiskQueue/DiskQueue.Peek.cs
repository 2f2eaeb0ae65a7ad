using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace Nsqd.DiskQueue;

/// <summary>Looking at the head of the queue without consuming it (the broker's <c>/channel/peek</c>).</summary>
public sealed partial class DiskQueue
{
    /// <inheritdoc />
    /// <remarks>
    /// Walks from the read position with its own handles and buffers, so the reader's state is untouched. Damage is
    /// passed over as the reader will pass over it (checked records), or ends the segment (go-diskqueue records), but is
    /// neither reported nor counted here: that is the startup scan's and the reader's job.
    /// </remarks>
    public IReadOnlyList<byte[]> Peek(int max)
    {
        IReadOnlyList<(byte[] Record, RecordFlags Flags)> flagged = PeekWithFlags(max);
        var records = new List<byte[]>(flagged.Count);
        foreach ((byte[] record, _) in flagged)
        {
            records.Add(record);
        }

        return records;
    }

    /// <inheritdoc />
    public IReadOnlyList<(byte[] Record, RecordFlags Flags)> PeekWithFlags(int max)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(max);
        var records = new List<(byte[] Record, RecordFlags Flags)>(Math.Min(max, 128));
        lock (_lock)
        {
            if (_closed)
            {
                return records;
            }

            for (long fileNum = _readFileNum, position = _readPos; records.Count < max && fileNum <= _writeFileNum; fileNum++, position = 0)
            {
                try
                {
                    PeekSegment(fileNum, position, max, records);
                }
                catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
                {
                    // A missing completed segment: the reader will skip it too.
                }
            }
        }

        return records;
    }

    private void PeekSegment(long fileNum, long position, int max, List<(byte[] Record, RecordFlags Flags)> records)
    {
        using SafeFileHandle handle = File.OpenHandle(_paths.Segment(fileNum), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        long end = fileNum < _writeFileNum ? RandomAccess.GetLength(handle) : _writePos;
        if (position >= end)
        {
            return;
        }

        bool isChecked = fileNum == _writeFileNum ? _checked : CheckedSegment.IsChecked(handle, end, _minMsgSize, _maxMsgSize);
        using var window = new SegmentWindow(handle);
        while (records.Count < max && position < end)
        {
            if (isChecked)
            {
                if (CheckedSegment.TryValidate(window, position, end, _minMsgSize, _maxMsgSize, out int length, out _, out _))
                {
                    var flags = (RecordFlags)window.Read(position, CheckedRecord.HeaderSize)[CheckedRecord.FlagsOffset];
                    records.Add((window.Read(position + CheckedRecord.HeaderSize, length).ToArray(), flags));
                    position += CheckedRecord.HeaderSize + length;
                }
                else
                {
                    position = CheckedSegment.FindNextValid(window, position + 1, end, _minMsgSize, _maxMsgSize, out _);
                }

                continue;
            }

            ReadOnlySpan<byte> header = window.Read(position, RecordFormat.HeaderSize);
            int size = header.Length == RecordFormat.HeaderSize ? BinaryPrimitives.ReadInt32BigEndian(header) : -1;
            if (size < _minMsgSize || size > _maxMsgSize || size > end - position - RecordFormat.HeaderSize)
            {
                return;
            }

            records.Add((window.Read(position + RecordFormat.HeaderSize, size).ToArray(), RecordFlags.None));
            position += RecordFormat.HeaderSize + size;
        }
    }
}
