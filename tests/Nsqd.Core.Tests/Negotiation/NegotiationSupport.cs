using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Nsq.TestUtilities.Wire;
using Snappier;

namespace Nsqd.Core.Tests.Negotiation;

/// <summary>Reads <paramref name="prefix"/> first (bytes a test already took off the wire), then the inner stream.</summary>
internal sealed class PrefixedStream(byte[] prefix, Stream inner) : Stream
{
    private int _pos;

    public override bool CanRead => true;
    public override bool CanWrite => true;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        if (_pos < prefix.Length) return TakePrefix(buffer.AsSpan(offset, count));
        return inner.Read(buffer, offset, count);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_pos < prefix.Length) return TakePrefix(buffer.Span);
        return await inner.ReadAsync(buffer, cancellationToken);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private int TakePrefix(Span<byte> dest)
    {
        var n = Math.Min(dest.Length, prefix.Length - _pos);
        prefix.AsSpan(_pos, n).CopyTo(dest);
        _pos += n;
        return n;
    }

    public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        => inner.WriteAsync(buffer, cancellationToken);
    public override void Flush() => inner.Flush();
    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}

/// <summary>Wire-level helpers for the compression layers (spec §2.5 "Compression wire details").</summary>
internal static class Wire
{
    public static readonly byte[] SnappyStreamIdentifier = [0xff, 0x06, 0x00, 0x00, 0x73, 0x4e, 0x61, 0x50, 0x70, 0x59];
    public static readonly byte[] SyncMarker = [0x00, 0x00, 0xff, 0xff];

    /// <summary>Reads raw bytes until <paramref name="complete"/> says the buffer holds what the test waits for.</summary>
    public static async Task<byte[]> ReadRawUntilAsync(Stream s, Func<byte[], bool> complete, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(5));
        var acc = new MemoryStream();
        var buf = new byte[4096];
        while (!complete(acc.ToArray()))
        {
            int n;
            try
            {
                n = await s.ReadAsync(buf, cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"incomplete after {acc.Length} bytes: {Convert.ToHexString(acc.ToArray())}");
            }
            if (n == 0) throw new EndOfStreamException($"closed after {acc.Length} bytes: {Convert.ToHexString(acc.ToArray())}");
            acc.Write(buf, 0, n);
        }
        return acc.ToArray();
    }

    /// <summary>The snappy framing chunks in <paramref name="data"/>: (type, payload incl. CRC); null when the last one is partial.</summary>
    public static List<(byte Type, byte[] Payload)>? SnappyChunks(byte[] data)
    {
        var chunks = new List<(byte, byte[])>();
        var i = 0;
        while (i < data.Length)
        {
            if (data.Length - i < 4) return null;
            var len = data[i + 1] | (data[i + 2] << 8) | (data[i + 3] << 16);
            if (data.Length - i - 4 < len) return null;
            chunks.Add((data[i], data[(i + 4)..(i + 4 + len)]));
            i += 4 + len;
        }
        return chunks;
    }

    /// <summary>Decodes one data chunk (0x00 compressed / 0x01 uncompressed), checking its masked CRC-32C.</summary>
    public static byte[] SnappyChunkData(byte type, byte[] payload)
    {
        var crc = BinaryPrimitives.ReadUInt32LittleEndian(payload);
        var data = type switch
        {
            0x00 => Snappy.DecompressToArray(payload.AsSpan(4)),
            0x01 => payload[4..],
            _ => throw new InvalidDataException($"not a data chunk: {type:x2}"),
        };
        Assert.Equal(MaskedCrc32C(data), crc);
        return data;
    }

    public static uint MaskedCrc32C(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
        }
        crc = ~crc;
        return unchecked(((crc >> 15) | (crc << 17)) + 0xa282ead8u);
    }

    public static bool EndsWith(byte[] data, byte[] tail) => data.AsSpan().EndsWith(tail);

    /// <summary>
    /// After the IDENTIFY JSON: reads the snappy stream up to the end of its first data chunk, checks the framing, and puts
    /// snappy streams on the client (reading starts with the bytes already taken). Returns the raw bytes read.
    /// </summary>
    public static async Task<byte[]> UpgradeClientToSnappyAsync(RawClient c)
    {
        var inner = c.Stream;
        var raw = await ReadRawUntilAsync(inner, d => d.Length > SnappyStreamIdentifier.Length
            && SnappyChunks(d[SnappyStreamIdentifier.Length..]) is { Count: > 0 });
        var reader = new SnappyStream(new PrefixedStream(raw, inner), CompressionMode.Decompress, leaveOpen: true);
        var writer = new SnappyStream(inner, CompressionMode.Compress, leaveOpen: true);
        c.UseStreams(reader, writer);
        return raw;
    }

    /// <summary>After the IDENTIFY JSON: reads raw deflate up to a sync marker, then puts raw deflate on the client.</summary>
    public static async Task<byte[]> UpgradeClientToDeflateAsync(RawClient c, int level = 6)
    {
        var inner = c.Stream;
        var raw = await ReadRawUntilAsync(inner, d => EndsWith(d, SyncMarker));
        var reader = new DeflateStream(new PrefixedStream(raw, inner), CompressionMode.Decompress, leaveOpen: true);
        var writer = new DeflateStream(inner, new ZLibCompressionOptions { CompressionLevel = level }, leaveOpen: true);
        c.UseStreams(reader, writer);
        return raw;
    }

    /// <summary>Inflates a complete raw-deflate prefix (ending in a sync flush).</summary>
    public static byte[] Inflate(byte[] raw)
    {
        using var d = new DeflateStream(new MemoryStream(raw), CompressionMode.Decompress);
        var o = new MemoryStream();
        var buf = new byte[4096];
        try
        {
            int n;
            while ((n = d.Read(buf)) > 0) o.Write(buf, 0, n);
        }
        catch (InvalidDataException)
        {
            // A sync-flushed stream has no final block: the inflater may complain at the end of input.
        }
        return o.ToArray();
    }

    public static string Json(object o) => Encoding.UTF8.GetString(RawClient.JsonSerialize(o));
}
