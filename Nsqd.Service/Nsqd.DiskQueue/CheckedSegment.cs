using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace Nsqd.DiskQueue;

/// <summary>Validating and searching checked records inside one segment (docs/storage-format.md).</summary>
internal static class CheckedSegment
{
    /// <summary>
    /// Whether a valid checked record starts at <paramref name="position"/> and ends by <paramref name="end"/>;
    /// <paramref name="problem"/> says why not (for the log).
    /// </summary>
    public static bool TryValidate(SegmentWindow window, long position, long end, int min, int max,
        out int length, out uint sequence, out string problem)
    {
        long remaining = end - position;
        ReadOnlySpan<byte> header = remaining >= CheckedRecord.HeaderSize ? window.Read(position, CheckedRecord.HeaderSize) : default;
        return CheckedRecord.TryCheckHeader(header, remaining, min, max, out length, out sequence, out problem)
            && CheckedRecord.TryCheckRecord(window.Read(position, CheckedRecord.HeaderSize + length), length, out problem);
    }

    /// <summary>
    /// The offset of the first valid record in [<paramref name="from"/>, <paramref name="end"/>), or
    /// <paramref name="end"/> when there is none. Candidates are found by the magic bytes; each is fully validated.
    /// </summary>
    public static long FindNextValid(SegmentWindow window, long from, long end, int min, int max, out uint sequence)
    {
        sequence = 0;
        const int Chunk = 64 * 1024;
        long position = from;
        while (end - position >= CheckedRecord.HeaderSize)
        {
            ReadOnlySpan<byte> bytes = window.Read(position, (int)Math.Min(Chunk, end - position));
            if (bytes.Length < 2)
            {
                break;
            }

            int index = bytes.IndexOf(CheckedRecord.Magic);
            if (index < 0)
            {
                // The magic may straddle the chunk boundary: look at the last byte again.
                position += bytes.Length - 1;
                continue;
            }

            long candidate = position + index;
            if (TryValidate(window, candidate, end, min, max, out _, out sequence, out _))
            {
                return candidate;
            }

            position = candidate + 1;
        }

        return end;
    }

    /// <summary>First two bytes C5 51, or — when the first record was destroyed — a checked record anywhere in the file.</summary>
    public static bool IsChecked(SafeFileHandle handle, long size, int min, int max)
    {
        Span<byte> first = stackalloc byte[4];
        int read = RecordFormat.ReadFully(handle, first, 0);
        if (CheckedRecord.StartsChecked(first[..read]))
        {
            return true;
        }

        if (read == 4)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(first);
            if (length >= min && length <= max)
            {
                return false; // a go-diskqueue record length
            }
        }

        using var window = new SegmentWindow(handle);
        return FindNextValid(window, 1, size, min, max, out _) < size;
    }
}
