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
        length = 0;
        sequence = 0;
        long remaining = end - position;
        if (remaining < CheckedRecord.HeaderSize)
        {
            problem = $"{remaining} bytes before the end cannot hold a record header";
            return false;
        }

        ReadOnlySpan<byte> header = window.Read(position, CheckedRecord.HeaderSize);
        if (header.Length < CheckedRecord.HeaderSize)
        {
            problem = "short read of a record header";
            return false;
        }

        if (!CheckedRecord.TryParseHeader(header, min, max, out length, out sequence))
        {
            problem = DescribeBadHeader(header, min, max);
            return false;
        }

        if (length > remaining - CheckedRecord.HeaderSize)
        {
            problem = $"record of {length} bytes runs past the end of the segment ({remaining - CheckedRecord.HeaderSize} bytes follow)";
            return false;
        }

        ReadOnlySpan<byte> record = window.Read(position, CheckedRecord.HeaderSize + length);
        if (record.Length < CheckedRecord.HeaderSize + length)
        {
            problem = "short read of a record";
            return false;
        }

        if (!CheckedRecord.ChecksumMatches(record, record[CheckedRecord.HeaderSize..]))
        {
            problem = "checksum mismatch";
            return false;
        }

        problem = string.Empty;
        return true;
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

    /// <summary>Why a header did not parse, for the log.</summary>
    public static string DescribeBadHeader(ReadOnlySpan<byte> header, int min, int max)
    {
        if (header[0] != CheckedRecord.Magic0 || header[1] != CheckedRecord.Magic1)
        {
            return $"no record marker (found {header[0]:X2} {header[1]:X2})";
        }

        if (header[2] != CheckedRecord.Version || header[3] != 0)
        {
            return $"unknown record version {header[2]} or flags {header[3]:X2}";
        }

        return $"invalid record length ({BinaryPrimitives.ReadInt32BigEndian(header[4..])}) min={min} max={max}";
    }
}
