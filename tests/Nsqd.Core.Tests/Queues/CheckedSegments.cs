using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Nsqd.Core.Tests.Queues;

/// <summary>One checked record (docs/storage-format.md) as found on disk: where it is, its sequence number and body.</summary>
public sealed record CheckedRecord(string Segment, long Offset, int Size, uint Sequence, string Body)
{
    public long End => Offset + Size;
}

/// <summary>
/// The test's own reader of the checked record format of docs/storage-format.md (16-byte header: magic C5 51, version 1,
/// flags 0, int32 BE length, uint32 BE sequence, CRC32C BE of bytes 0-11 and the payload), written from the document and
/// not from the broker's code, plus the damage the tests do to segment files.
/// </summary>
public static class CheckedSegments
{
    public const int HeaderSize = 16;

    /// <summary>Timestamp, attempts and id in front of the body (spec §2.4).</summary>
    public const int MessageHeaderSize = 26;

    /// <summary>The segment files of queue <paramref name="queue"/> in <paramref name="dataDir"/>, in file-number order.</summary>
    public static string[] SegmentFiles(string dataDir, string queue)
    {
        var prefix = queue + ".diskqueue.";
        return [.. Directory.GetFiles(dataDir, prefix + "*.dat")
            .Where(f => Path.GetFileName(f)[prefix.Length..^4].All(char.IsAsciiDigit))
            .Order(StringComparer.Ordinal)];
    }

    /// <summary>Every record of every segment; fails unless each segment is nothing but valid checked records.</summary>
    public static List<CheckedRecord> ReadAll(string dataDir, string queue)
    {
        var records = new List<CheckedRecord>();
        foreach (var segment in SegmentFiles(dataDir, queue))
        {
            var bytes = File.ReadAllBytes(segment);
            long at = 0;
            while (at < bytes.Length)
            {
                var record = TryRead(bytes, at, Path.GetFileName(segment))
                    ?? throw new InvalidDataException($"{segment}: no valid checked record at offset {at}");
                records.Add(record);
                at = record.End;
            }
        }
        return records;
    }

    /// <summary>The record starting at <paramref name="at"/>, or null when no valid one starts there.</summary>
    public static CheckedRecord? TryRead(byte[] bytes, long at, string segment)
    {
        if (at + HeaderSize > bytes.Length) return null;
        var header = bytes.AsSpan((int)at, HeaderSize);
        if (header[0] != 0xC5 || header[1] != 0x51 || header[2] != 1 || header[3] != 0) return null;
        var length = BinaryPrimitives.ReadInt32BigEndian(header[4..]);
        if (length < MessageHeaderSize || at + HeaderSize + length > bytes.Length) return null;
        var payload = bytes.AsSpan((int)at + HeaderSize, length);
        var crc = Crc32C.Append(Crc32C.Append(0, header[..12]), payload);
        if (crc != BinaryPrimitives.ReadUInt32BigEndian(header[12..])) return null;
        return new CheckedRecord(segment, at, HeaderSize + length, BinaryPrimitives.ReadUInt32BigEndian(header[8..]),
            Encoding.UTF8.GetString(payload[MessageHeaderSize..]));
    }

    /// <summary>A whole checked record (header and CRC as the format says) for <paramref name="payload"/>.</summary>
    public static byte[] Encode(uint sequence, byte[] payload)
    {
        var record = new byte[HeaderSize + payload.Length];
        record[0] = 0xC5;
        record[1] = 0x51;
        record[2] = 1;
        BinaryPrimitives.WriteInt32BigEndian(record.AsSpan(4), payload.Length);
        BinaryPrimitives.WriteUInt32BigEndian(record.AsSpan(8), sequence);
        payload.CopyTo(record, HeaderSize);
        var crc = Crc32C.Append(Crc32C.Append(0, record.AsSpan(0, 12)), payload);
        BinaryPrimitives.WriteUInt32BigEndian(record.AsSpan(12), crc);
        return record;
    }

    public static string PathOf(string dataDir, CheckedRecord r) => Path.Combine(dataDir, r.Segment);

    /// <summary>Where the broker keeps the damaged bytes starting at <paramref name="offset"/> of a segment.</summary>
    public static string BadFile(string dataDir, string segment, long offset)
        => Path.Combine(dataDir, segment + "." + offset.ToString(CultureInfo.InvariantCulture) + ".bad");

    public static void FlipBit(string path, long offset, int bit)
    {
        using var f = File.Open(path, FileMode.Open, FileAccess.ReadWrite);
        f.Position = offset;
        var b = f.ReadByte();
        f.Position = offset;
        f.WriteByte((byte)(b ^ (1 << bit)));
    }

    public static void WriteInt32BigEndian(string path, long offset, int value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(bytes, value);
        Overwrite(path, offset, bytes);
    }

    public static void Overwrite(string path, long offset, byte[] bytes)
    {
        using var f = File.Open(path, FileMode.Open, FileAccess.ReadWrite);
        f.Position = offset;
        f.Write(bytes);
    }

    public static void Truncate(string path, long length)
    {
        using var f = File.Open(path, FileMode.Open, FileAccess.ReadWrite);
        f.SetLength(length);
    }

    public static void Append(string path, ReadOnlySpan<byte> bytes)
    {
        using var f = File.Open(path, FileMode.Append, FileAccess.Write);
        f.Write(bytes);
    }

    /// <summary>Copies every file of <paramref name="from"/> (flat, as a data path is) into <paramref name="to"/>.</summary>
    public static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var f in Directory.GetFiles(from)) File.Copy(f, Path.Combine(to, Path.GetFileName(f)));
    }
}

/// <summary>CRC32C (Castagnoli, reflected polynomial 0x82F63B78), bitwise from a table: the test's own, not the broker's.</summary>
public static class Crc32C
{
    private static readonly uint[] Table = Build();

    private static uint[] Build()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            var c = i;
            for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? 0x82F63B78u ^ (c >> 1) : c >> 1;
            table[i] = c;
        }
        return table;
    }

    /// <summary>The CRC of what <paramref name="crc"/> covered followed by <paramref name="data"/> (start with 0).</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        var c = ~crc;
        foreach (var b in data) c = Table[(c ^ b) & 0xFF] ^ (c >> 8);
        return ~c;
    }
}
