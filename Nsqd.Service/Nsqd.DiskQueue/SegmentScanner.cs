using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace Nsqd.DiskQueue;

/// <summary>
/// Counts the intact records of a segment. Only used to rebuild depth when the metadata file is
/// unreadable or stale (records written after the last sync before a crash): depth is otherwise
/// tracked, never recomputed (spec §5.1).
/// </summary>
internal static class SegmentScanner
{
    /// <summary>
    /// Walks the length prefixes from offset 0 and stops at the first invalid, torn or short
    /// record; whatever follows it will be moved to <c>.bad</c> by the reader later.
    /// </summary>
    public static long CountRecords(string path, int minMsgSize, int maxMsgSize, long from = 0) =>
        CountRecords(path, minMsgSize, maxMsgSize, from, long.MaxValue, out _);

    /// <summary>As above, up to <paramref name="end"/> (at most the file's size); <paramref name="stoppedAt"/> is where it stopped.</summary>
    public static long CountRecords(string path, int minMsgSize, int maxMsgSize, long from, long end, out long stoppedAt)
    {
        using SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        long size = Math.Min(end, RandomAccess.GetLength(handle));
        Span<byte> header = stackalloc byte[RecordFormat.HeaderSize];
        long pos = from;
        long count = 0;
        while (size - pos >= RecordFormat.HeaderSize)
        {
            if (RecordFormat.ReadFully(handle, header, pos) < RecordFormat.HeaderSize)
            {
                break;
            }

            int length = BinaryPrimitives.ReadInt32BigEndian(header);
            if (length < minMsgSize || length > maxMsgSize ||
                length > size - pos - RecordFormat.HeaderSize)
            {
                break;
            }

            pos += RecordFormat.HeaderSize + length;
            count++;
        }

        stoppedAt = pos;
        return count;
    }
}
