using System.Text;
using Nsq.Protocol.V2;
using Nsqd.Core.Tests.Infrastructure;

namespace Nsqd.Core.Tests.Negotiation;

/// <summary>Spec §2.5 upgrade sequence and compression wire details: snappy framing and raw deflate, both directions.</summary>
public class CompressionTests
{
    private static readonly byte[] OkFrame = [0, 0, 0, 6, 0, 0, 0, 0, (byte)'O', (byte)'K'];

    [Fact]
    public async Task Snappy_stream_starts_with_the_identifier_and_carries_the_OK_frame()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        await c.IdentifyAsync(new { feature_negotiation = true, snappy = true });
        var json = await c.ReadResponseTextAsync();
        Assert.Contains("\"snappy\":true,", json, StringComparison.Ordinal);

        var raw = await Wire.UpgradeClientToSnappyAsync(c);
        Assert.Equal(Wire.SnappyStreamIdentifier, raw[..10]);
        var chunks = Wire.SnappyChunks(raw[10..])!;
        var chunk = Assert.Single(chunks);
        Assert.Equal(OkFrame, Wire.SnappyChunkData(chunk.Type, chunk.Payload));
        Assert.Equal("OK", await c.ReadResponseTextAsync());
    }

    [Fact]
    public async Task Snappy_OK_chunk_is_byte_identical_to_nsqds()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        await c.IdentifyAsync(new { feature_negotiation = true, snappy = true });
        await c.ReadResponseTextAsync();
        var raw = await Wire.UpgradeClientToSnappyAsync(c);
        // Real capture (spec §2.5): an uncompressed chunk with the masked CRC-32C of the frame.
        Assert.Equal("FF060000734E61507059" + "010E000026982BCF00000006000000004F4B", Convert.ToHexString(raw));
    }

    [Fact]
    public async Task Pub_sub_and_messages_flow_through_snappy_both_ways()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        await c.IdentifyAsync(new { feature_negotiation = true, snappy = true, heartbeat_interval = 1000 });
        await c.ReadResponseTextAsync();
        await Wire.UpgradeClientToSnappyAsync(c);
        Assert.Equal("OK", await c.ReadResponseTextAsync());

        await PubSubRoundTripAsync(c);
    }

    [Fact]
    public async Task Snappy_reader_accepts_repeated_stream_identifiers_and_skippable_chunks()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        await c.IdentifyAsync(new { feature_negotiation = true, snappy = true });
        await c.ReadResponseTextAsync();
        var net = c.Stream;
        await Wire.ReadRawUntilAsync(net, d => d.Length > 10 && Wire.SnappyChunks(d[10..]) is { Count: > 0 });

        // Like pynsq: every send is a fresh compressor (stream identifier again), plus a padding chunk.
        var pub = new System.Buffers.ArrayBufferWriter<byte>();
        CommandWriter.Pub(pub, "t", "snappy-again"u8);
        var wire = new MemoryStream();
        wire.Write(Wire.SnappyStreamIdentifier);
        wire.Write([0xfe, 3, 0, 0, 0, 0, 0]);
        wire.Write(UncompressedChunk(pub.WrittenSpan));
        wire.Write(Wire.SnappyStreamIdentifier);
        wire.Write(UncompressedChunk(pub.WrittenSpan));
        await net.WriteAsync(wire.ToArray());

        // Both answers, in one chunk or two (one flush per read of the commands).
        var raw = await Wire.ReadRawUntilAsync(net, d => Wire.SnappyChunks(d) is { } chunks
            && chunks.Sum(ch => Wire.SnappyChunkData(ch.Type, ch.Payload).Length) >= 2 * OkFrame.Length);
        var data = Wire.SnappyChunks(raw)!.SelectMany(ch => Wire.SnappyChunkData(ch.Type, ch.Payload)).ToArray();
        Assert.Equal(OkFrame.Concat(OkFrame), data);
    }

    private static byte[] UncompressedChunk(ReadOnlySpan<byte> data)
    {
        var len = data.Length + 4;
        var chunk = new byte[4 + len];
        chunk[0] = 0x01;
        chunk[1] = (byte)len; chunk[2] = (byte)(len >> 8); chunk[3] = (byte)(len >> 16);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(chunk.AsSpan(4), Wire.MaskedCrc32C(data));
        data.CopyTo(chunk.AsSpan(8));
        return chunk;
    }

    [Theory]
    [InlineData(0, 6, 6)]
    [InlineData(9, 6, 6)]
    [InlineData(1, 6, 1)]
    [InlineData(5, 3, 3)]
    [InlineData(-1, 9, 6)]
    public async Task Deflate_level_is_clamped_to_the_maximum(int asked, int max, int expected)
    {
        await using var broker = await TestBroker.StartAsync(o => o.MaxDeflateLevel = max);
        await using var c = await broker.ConnectAsync();
        await c.IdentifyAsync(new { feature_negotiation = true, deflate = true, deflate_level = asked });
        var json = await c.ReadResponseTextAsync();
        Assert.Contains($"\"deflate\":true,\"deflate_level\":{expected},\"max_deflate_level\":{max},", json, StringComparison.Ordinal);
        await Wire.UpgradeClientToDeflateAsync(c);
        Assert.Equal("OK", await c.ReadResponseTextAsync());
    }

    [Fact]
    public async Task Deflate_flush_ends_in_a_sync_marker_and_inflates_to_the_OK_frame()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        await c.IdentifyAsync(new { feature_negotiation = true, deflate = true, deflate_level = 9 });
        await c.ReadResponseTextAsync();
        var raw = await Wire.UpgradeClientToDeflateAsync(c);
        Assert.True(Wire.EndsWith(raw, Wire.SyncMarker));
        // Raw deflate: no zlib header (0x78 ..).
        Assert.NotEqual(0x78, raw[0]);
        Assert.Equal(OkFrame, Wire.Inflate(raw));
        Assert.Equal("OK", await c.ReadResponseTextAsync());
    }

    [Fact]
    public async Task Every_deflate_response_flush_ends_in_a_sync_marker()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        await c.IdentifyAsync(new { feature_negotiation = true, deflate = true });
        await c.ReadResponseTextAsync();
        var net = c.Stream;
        var first = await Wire.ReadRawUntilAsync(net, d => Wire.EndsWith(d, Wire.SyncMarker));

        // Client side: raw deflate with a sync flush, as pynsq does (compressobj(level, DEFLATED, -15) + Z_SYNC_FLUSH).
        var pub = new System.Buffers.ArrayBufferWriter<byte>();
        CommandWriter.Pub(pub, "t", "deflated"u8);
        var buf = new MemoryStream();
        await using (var z = new System.IO.Compression.DeflateStream(buf, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true))
        {
            z.Write(pub.WrittenSpan);
            z.Flush();
            await net.WriteAsync(buf.ToArray());
            await net.FlushAsync();
            var second = await Wire.ReadRawUntilAsync(net, d => Wire.EndsWith(d, Wire.SyncMarker));
            var all = first.Concat(second).ToArray();
            Assert.Equal(OkFrame.Concat(OkFrame), Wire.Inflate(all));
        }
    }

    [Fact]
    public async Task Pub_sub_and_messages_flow_through_deflate_both_ways()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        await c.IdentifyAsync(new { feature_negotiation = true, deflate = true, deflate_level = 1, heartbeat_interval = 1000 });
        await c.ReadResponseTextAsync();
        await Wire.UpgradeClientToDeflateAsync(c, level: 1);
        Assert.Equal("OK", await c.ReadResponseTextAsync());

        await PubSubRoundTripAsync(c);
    }

    /// <summary>PUB, MPUB, SUB, RDY, messages, FIN, heartbeat + NOP and CLS on one (upgraded) connection.</summary>
    internal static async Task PubSubRoundTripAsync(RawClient c)
    {
        await c.SendAsync(o => CommandWriter.Pub(o, "t", "first"u8));
        Assert.Equal("OK", await c.ReadResponseTextAsync());
        var big = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("compressible ", 20000)));
        await c.SendAsync(o => CommandWriter.Mpub(o, "t", new ReadOnlyMemory<byte>[] { "second"u8.ToArray(), big }));
        Assert.Equal("OK", await c.ReadResponseTextAsync());
        await c.SendAsync(o => CommandWriter.Sub(o, "t", "c"));
        Assert.Equal("OK", await c.ReadResponseTextAsync());
        await c.SendAsync(o => CommandWriter.Rdy(o, 10));
        var bodies = new List<byte[]>();
        for (var i = 0; i < 3; i++)
        {
            var m = await c.ReadMessageAsync();
            Assert.Equal(1, m.Attempts);
            bodies.Add(m.Body);
            await c.SendAsync(o => CommandWriter.Fin(o, Encoding.ASCII.GetBytes(m.Id)));
        }
        Assert.Equal("first", Encoding.UTF8.GetString(bodies[0]));
        Assert.Equal("second", Encoding.UTF8.GetString(bodies[1]));
        Assert.Equal(big, bodies[2]);

        // Heartbeats come through the layer too; a NOP keeps the connection.
        var f = await c.ReadFrameAsync(TimeSpan.FromSeconds(3));
        Assert.Equal("_heartbeat_", Encoding.UTF8.GetString(f.Data));
        await c.SendAsync(CommandWriter.Nop);
        await c.SendAsync(CommandWriter.Cls);
        Assert.Equal("CLOSE_WAIT", await c.ReadResponseTextAsync());
    }
}
