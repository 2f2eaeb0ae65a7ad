using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Nsqd.DiskQueue;

/// <summary>
/// The checked record format of docs/storage-format.md: <c>[C5 51][version 1][flags][int32 BE length]
/// [uint32 BE sequence][uint32 BE CRC32C of bytes 0-11 and the payload][payload]</c>.
/// </summary>
internal static class CheckedRecord
{
    public const int HeaderSize = 16;
    public const byte Magic0 = 0xC5;
    public const byte Magic1 = 0x51;
    public const byte Version = 1;

    /// <summary>The header bytes that are both checked by the CRC and written before it.</summary>
    private const int CoveredHeaderSize = 12;

    /// <summary>The two magic bytes, for searching the next record after damage.</summary>
    public static ReadOnlySpan<byte> Magic => [Magic0, Magic1];

    /// <summary>The flag bits a record may carry; any other bit makes it invalid.</summary>
    public const byte KnownFlags = (byte)RecordFlags.Headers;

    /// <summary>Offset of the flags byte.</summary>
    public const int FlagsOffset = 3;

    /// <summary>Writes the header of <paramref name="payload"/> with sequence number <paramref name="sequence"/>.</summary>
    public static void WriteHeader(Span<byte> header, ReadOnlySpan<byte> payload, uint sequence, RecordFlags flags = RecordFlags.None)
    {
        header[0] = Magic0;
        header[1] = Magic1;
        header[2] = Version;
        header[FlagsOffset] = (byte)flags;
        BinaryPrimitives.WriteInt32BigEndian(header[4..], payload.Length);
        BinaryPrimitives.WriteUInt32BigEndian(header[8..], sequence);
        BinaryPrimitives.WriteUInt32BigEndian(header[12..], Checksum(header[..CoveredHeaderSize], payload));
    }

    /// <summary>
    /// Whether <paramref name="header"/> (at least <see cref="HeaderSize"/> bytes) is a plausible record header:
    /// magic, version, flags and a length within <paramref name="min"/>..<paramref name="max"/>. The CRC still decides.
    /// </summary>
    public static bool TryParseHeader(ReadOnlySpan<byte> header, int min, int max, out int length, out uint sequence)
    {
        length = BinaryPrimitives.ReadInt32BigEndian(header[4..]);
        sequence = BinaryPrimitives.ReadUInt32BigEndian(header[8..]);
        return header[0] == Magic0 && header[1] == Magic1 && header[2] == Version && (header[FlagsOffset] & ~KnownFlags) == 0
            && length >= min && length <= max;
    }

    /// <summary>
    /// Whether <paramref name="header"/> (what could be read of it) starts a record that fits in the
    /// <paramref name="remaining"/> bytes before the segment's end: <see cref="TryParseHeader"/>, and room for the payload.
    /// <paramref name="problem"/> says why not, for the log. The CRC still decides (<see cref="TryCheckRecord"/>).
    /// </summary>
    public static bool TryCheckHeader(ReadOnlySpan<byte> header, long remaining, int min, int max,
        out int length, out uint sequence, out string problem)
    {
        length = 0;
        sequence = 0;
        if (remaining < HeaderSize)
        {
            problem = $"{remaining} bytes before the end cannot hold a record header";
            return false;
        }

        if (header.Length < HeaderSize)
        {
            problem = "short read of a record header";
            return false;
        }

        if (!TryParseHeader(header, min, max, out length, out sequence))
        {
            problem = DescribeBadHeader(header, min, max);
            return false;
        }

        if (length > remaining - HeaderSize)
        {
            problem = $"record of {length} bytes runs past the end of the segment ({remaining - HeaderSize} bytes follow)";
            return false;
        }

        problem = string.Empty;
        return true;
    }

    /// <summary>
    /// Whether <paramref name="record"/>, read for a header that passed <see cref="TryCheckHeader"/> with
    /// <paramref name="length"/>, is whole and its CRC matches.
    /// </summary>
    public static bool TryCheckRecord(ReadOnlySpan<byte> record, int length, out string problem)
    {
        problem = record.Length < HeaderSize + length ? "short read of a record"
            : !ChecksumMatches(record, record[HeaderSize..(HeaderSize + length)]) ? "checksum mismatch"
            : string.Empty;
        return problem.Length == 0;
    }

    /// <summary>Whether the CRC stored in <paramref name="header"/> matches the header and <paramref name="payload"/>.</summary>
    public static bool ChecksumMatches(ReadOnlySpan<byte> header, ReadOnlySpan<byte> payload) =>
        BinaryPrimitives.ReadUInt32BigEndian(header[CoveredHeaderSize..]) == Checksum(header[..CoveredHeaderSize], payload);

    /// <summary>Whether a segment starting with these bytes is in the checked format.</summary>
    public static bool StartsChecked(ReadOnlySpan<byte> first) => first.Length >= 2 && first[0] == Magic0 && first[1] == Magic1;

    /// <summary>Why a header did not parse, for the log.</summary>
    private static string DescribeBadHeader(ReadOnlySpan<byte> header, int min, int max)
    {
        if (header[0] != Magic0 || header[1] != Magic1)
        {
            return $"no record marker (found {header[0]:X2} {header[1]:X2})";
        }

        if (header[2] != Version || (header[FlagsOffset] & ~KnownFlags) != 0)
        {
            return $"unknown record version {header[2]} or flags {header[3]:X2}";
        }

        return $"invalid record length ({BinaryPrimitives.ReadInt32BigEndian(header[4..])}) min={min} max={max}";
    }

    private static uint Checksum(ReadOnlySpan<byte> header, ReadOnlySpan<byte> payload) =>
        ~Crc32C(Crc32C(uint.MaxValue, header), payload);

    /// <summary>CRC32C (Castagnoli) with the hardware crc32 instruction where there is one (SSE4.2, ARMv8).</summary>
    private static uint Crc32C(uint crc, ReadOnlySpan<byte> data)
    {
        ReadOnlySpan<ulong> words = MemoryMarshal.Cast<byte, ulong>(data);
        foreach (ulong word in words)
        {
            // The hardware instruction consumes bytes in memory order, which is little-endian word order.
            crc = BitOperations.Crc32C(crc, BitConverter.IsLittleEndian ? word : BinaryPrimitives.ReverseEndianness(word));
        }

        foreach (byte b in data[(words.Length * sizeof(ulong))..])
        {
            crc = BitOperations.Crc32C(crc, b);
        }

        return crc;
    }
}
