using System.Buffers.Binary;

namespace Nsqd.DiskQueue.Tests;

/// <summary>
/// The test's own reading of docs/storage-format.md (checked records), written from the document and not from the
/// implementation, so the tests check the format as documented.
/// </summary>
internal static class CheckedFormat
{
    public const int HeaderSize = 16;

    /// <summary>Offsets of the records of a checked segment, walking the length fields.</summary>
    public static List<(int Offset, int Length, uint Sequence)> Records(byte[] segment)
    {
        var records = new List<(int, int, uint)>();
        for (int offset = 0; offset + HeaderSize <= segment.Length;)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(segment.AsSpan(offset + 4));
            records.Add((offset, length, BinaryPrimitives.ReadUInt32BigEndian(segment.AsSpan(offset + 8))));
            offset += HeaderSize + length;
        }

        return records;
    }

    /// <summary>Bitwise CRC32C (reflected polynomial 0x82F63B78): slow and obviously the textbook algorithm.</summary>
    public static uint Crc32C(ReadOnlySpan<byte> data)
    {
        uint crc = uint.MaxValue;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
            }
        }

        return ~crc;
    }

    /// <summary>The CRC a record at <paramref name="offset"/> must carry: over header bytes 0-11 and the payload.</summary>
    public static uint ExpectedCrc(byte[] segment, int offset, int length)
    {
        byte[] covered = [.. segment.AsSpan(offset, 12), .. segment.AsSpan(offset + HeaderSize, length)];
        return Crc32C(covered);
    }
}
