using System.Buffers;
using System.Text;
using Nsq.Protocol.V2;

namespace Nsq.Protocol.Tests;

/// <summary>Spec §2.2 command lines.</summary>
public class CommandParserTests
{
    [Theory]
    [InlineData("NOP", CommandName.Nop, 0)]
    [InlineData("PUB topic", CommandName.Pub, 1)]
    [InlineData("SUB t c", CommandName.Sub, 2)]
    [InlineData("REQ 0123456789abcdef 100", CommandName.Req, 2)]
    [InlineData("RDY", CommandName.Rdy, 0)]
    [InlineData("IDENTIFY", CommandName.Identify, 0)]
    [InlineData("TOUCH x", CommandName.Touch, 1)]
    [InlineData("MPUB t", CommandName.Mpub, 1)]
    [InlineData("DPUB t 10", CommandName.Dpub, 2)]
    [InlineData("AUTH", CommandName.Auth, 0)]
    [InlineData("CLS", CommandName.Cls, 0)]
    [InlineData("FIN x", CommandName.Fin, 1)]
    [InlineData("pub t", CommandName.Unknown, 1)]
    [InlineData("FOO", CommandName.Unknown, 0)]
    public void Parses_name_and_parameter_count(string line, CommandName name, int count)
    {
        var c = CommandParser.Parse(Encoding.ASCII.GetBytes(line));
        Assert.Equal(name, c.Name);
        Assert.Equal(count, c.ParamCount);
    }

    [Fact]
    public void Crlf_is_accepted_and_double_spaces_make_empty_params()
    {
        var c = CommandParser.Parse("SUB  c\r"u8);
        Assert.Equal(CommandName.Sub, c.Name);
        Assert.Equal(2, c.ParamCount);
        Assert.True(c.Param0.IsEmpty);
        Assert.Equal("c", Encoding.ASCII.GetString(c.Param1));
    }

    [Fact]
    public void Lines_are_found_across_every_segment_split()
    {
        var data = "SUB topic channel\nRDY 10\n"u8.ToArray();
        for (var at = 0; at <= data.Length; at++)
        {
            var seq = Segments.Split(data, at);
            Assert.True(CommandParser.TryReadLine(ref seq, out var l1));
            Assert.Equal("SUB topic channel", Encoding.ASCII.GetString(l1.ToArray()));
            Assert.True(CommandParser.TryReadLine(ref seq, out var l2));
            Assert.Equal("RDY 10", Encoding.ASCII.GetString(l2.ToArray()));
            Assert.False(CommandParser.TryReadLine(ref seq, out _));
        }
    }

    [Theory]
    [InlineData("0", true, 0UL)]
    [InlineData("2500", true, 2500UL)]
    [InlineData("-1", false, 0UL)]
    [InlineData("+1", false, 0UL)]
    [InlineData("abc", false, 0UL)]
    [InlineData("", false, 0UL)]
    [InlineData("99999999999999999999", false, 0UL)]
    public void Numbers_are_digits_only(string text, bool ok, ulong value)
    {
        Assert.Equal(ok, CommandParser.TryParseUInt64(Encoding.ASCII.GetBytes(text), out var v));
        if (ok) Assert.Equal(value, v);
    }

    [Fact]
    public void Command_writer_output_parses_back()
    {
        var w = new ArrayBufferWriter<byte>();
        CommandWriter.Sub(w, "t", "c");
        CommandWriter.Rdy(w, 2500);
        CommandWriter.Req(w, "0123456789abcdef"u8, 1000);
        var seq = new ReadOnlySequence<byte>(w.WrittenMemory);
        Assert.True(CommandParser.TryReadLine(ref seq, out var a));
        Assert.Equal(CommandName.Sub, CommandParser.Parse(a.ToArray()).Name);
        Assert.True(CommandParser.TryReadLine(ref seq, out var b));
        Assert.Equal("2500", Encoding.ASCII.GetString(CommandParser.Parse(b.ToArray()).Param0));
        Assert.True(CommandParser.TryReadLine(ref seq, out var c));
        Assert.Equal("1000", Encoding.ASCII.GetString(CommandParser.Parse(c.ToArray()).Param1));
    }

    [Fact]
    public void Mpub_writer_computes_body_size()
    {
        var w = new ArrayBufferWriter<byte>();
        CommandWriter.Mpub(w, "t", new ReadOnlyMemory<byte>[] { "a"u8.ToArray(), "bc"u8.ToArray() });
        var expected = "MPUB t\n"u8.ToArray().Concat(new byte[] { 0, 0, 0, 15, 0, 0, 0, 2, 0, 0, 0, 1, (byte)'a', 0, 0, 0, 2, (byte)'b', (byte)'c' });
        Assert.Equal(expected, w.WrittenSpan.ToArray());
    }
}
