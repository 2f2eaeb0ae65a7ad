using System.Buffers;
using Nsq.Protocol.V2;

namespace Nsq.Protocol.Tests;

/// <summary>Golden bytes for spec §2.3 frames and §2.4 message layout.</summary>
public class FrameWriterTests
{
    [Fact]
    public void Response_ok_is_size_6_type_0()
    {
        var w = new ArrayBufferWriter<byte>();
        FrameWriter.WriteResponse(w, Responses.Ok);
        Assert.Equal(new byte[] { 0, 0, 0, 6, 0, 0, 0, 0, (byte)'O', (byte)'K' }, w.WrittenSpan.ToArray());
    }

    [Fact]
    public void Error_frame_has_type_1()
    {
        var w = new ArrayBufferWriter<byte>();
        FrameWriter.WriteError(w, "E_INVALID invalid command FOO");
        var bytes = w.WrittenSpan.ToArray();
        Assert.Equal(4 + 29, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes));
        Assert.Equal(1, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4)));
        Assert.Equal("E_INVALID invalid command FOO", System.Text.Encoding.ASCII.GetString(bytes, 8, 29));
    }

    [Fact]
    public void Message_frame_matches_spec_layout()
    {
        var w = new ArrayBufferWriter<byte>();
        FrameWriter.WriteMessage(w, 0x18eb1952e6735ca5, 1, 0x18a7420b05e69000, "a"u8);
        var b = w.WrittenSpan.ToArray();
        Assert.Equal(8 + 26 + 1, b.Length);
        Assert.Equal(new byte[] { 0, 0, 0, 31, 0, 0, 0, 2 }, b[..8]);
        Assert.Equal(new byte[] { 0x18, 0xeb, 0x19, 0x52, 0xe6, 0x73, 0x5c, 0xa5, 0, 1 }, b[8..18]);
        Assert.Equal("18a7420b05e69000a", System.Text.Encoding.ASCII.GetString(b, 18, 17));
    }

    [Fact]
    public void Frame_reader_reads_back_what_the_writer_wrote_split_anywhere()
    {
        var w = new ArrayBufferWriter<byte>();
        FrameWriter.WriteResponse(w, Responses.Heartbeat);
        FrameWriter.WriteMessage(w, 42, 3, 7, "body"u8);
        var all = w.WrittenSpan.ToArray();
        for (var split = 0; split <= all.Length; split++)
        {
            var seq = Segments.Split(all, split);
            Assert.True(FrameReader.TryRead(ref seq, out var f1));
            Assert.Equal(FrameType.Response, f1.Type);
            Assert.Equal("_heartbeat_"u8.ToArray(), f1.Data.ToArray());
            Assert.True(FrameReader.TryRead(ref seq, out var f2));
            Assert.Equal(FrameType.Message, f2.Type);
            Assert.True(MessageLayout.TryReadHeader(f2.Data.ToArray(), out var ts, out var att, out var id));
            Assert.Equal((42L, (ushort)3, 7UL), (ts, att, id));
            Assert.Equal(0, seq.Length);
        }
    }

    [Fact]
    public void Frame_reader_waits_for_a_whole_frame_and_rejects_bad_sizes()
    {
        var partial = new ReadOnlySequence<byte>(new byte[] { 0, 0, 0, 6, 0, 0, 0, 0, (byte)'O' });
        Assert.False(FrameReader.TryRead(ref partial, out _));
        Assert.Equal(9, partial.Length);
        var bad = new ReadOnlySequence<byte>(new byte[] { 0, 0, 0, 2, 0, 0, 0, 0 });
        Assert.Throws<InvalidDataException>(() => FrameReader.TryRead(ref bad, out _));
    }
}
