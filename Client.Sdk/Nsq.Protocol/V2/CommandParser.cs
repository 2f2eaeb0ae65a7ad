using System.Buffers;

namespace Nsq.Protocol.V2;

/// <summary>
/// Spec §2.2: <c>&lt;NAME&gt;[ &lt;param1&gt;[ &lt;param2&gt;...]]\n</c>, a trailing <c>\r</c> stripped, parameters split on single spaces.
/// Parses in place over the bytes already read; names are matched as <c>u8</c> literals, never as strings.
/// </summary>
public static class CommandParser
{
    /// <summary>nsqd reads lines through a 16 KiB buffer; a longer line closes the connection without an error frame.</summary>
    public const int MaxLineLength = 16384;

    /// <summary>
    /// Finds the next <c>\n</c> in <paramref name="buffer"/>. Returns the line without the newline (it may span segments);
    /// false when no full line is buffered yet.
    /// </summary>
    public static bool TryReadLine(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> line)
    {
        var reader = new SequenceReader<byte>(buffer);
        if (!reader.TryReadTo(out line, (byte)'\n'))
        {
            line = default;
            return false;
        }
        buffer = buffer.Slice(reader.Position);
        return true;
    }

    /// <summary>Parses one line (without its <c>\n</c>) into name and parameters.</summary>
    public static ParsedCommand Parse(ReadOnlySpan<byte> line)
    {
        if (line.Length > 0 && line[^1] == (byte)'\r') line = line[..^1];
        var sp = line.IndexOf((byte)' ');
        var name = sp < 0 ? line : line[..sp];
        ReadOnlySpan<byte> p0 = default, p1 = default, p2 = default;
        var count = 0;
        if (sp >= 0)
        {
            var rest = line[(sp + 1)..];
            while (true)
            {
                var next = rest.IndexOf((byte)' ');
                var part = next < 0 ? rest : rest[..next];
                switch (count)
                {
                    case 0: p0 = part; break;
                    case 1: p1 = part; break;
                    case 2: p2 = part; break;
                }
                count++;
                if (next < 0) break;
                rest = rest[(next + 1)..];
            }
        }
        return new ParsedCommand { Name = Identify(name), RawName = name, ParamCount = count, Param0 = p0, Param1 = p1, Param2 = p2 };
    }

    /// <summary>Maps the name bytes to a command; case-sensitive as nsqd.</summary>
    public static CommandName Identify(ReadOnlySpan<byte> name) => name.Length switch
    {
        3 when name.SequenceEqual("PUB"u8) => CommandName.Pub,
        3 when name.SequenceEqual("RDY"u8) => CommandName.Rdy,
        3 when name.SequenceEqual("FIN"u8) => CommandName.Fin,
        3 when name.SequenceEqual("REQ"u8) => CommandName.Req,
        3 when name.SequenceEqual("SUB"u8) => CommandName.Sub,
        3 when name.SequenceEqual("NOP"u8) => CommandName.Nop,
        3 when name.SequenceEqual("CLS"u8) => CommandName.Cls,
        4 when name.SequenceEqual("MPUB"u8) => CommandName.Mpub,
        4 when name.SequenceEqual("DPUB"u8) => CommandName.Dpub,
        4 when name.SequenceEqual("AUTH"u8) => CommandName.Auth,
        5 when name.SequenceEqual("TOUCH"u8) => CommandName.Touch,
        8 when name.SequenceEqual("IDENTIFY"u8) => CommandName.Identify,
        _ => CommandName.Unknown,
    };

    /// <summary>Parses an unsigned decimal made only of ASCII digits (no sign), as nsqd's strconv use requires.</summary>
    public static bool TryParseUInt64(ReadOnlySpan<byte> text, out ulong value)
    {
        value = 0;
        if (text.IsEmpty || text.Length > 19) return false;
        foreach (var c in text)
        {
            if ((uint)(c - '0') > 9) return false;
            value = value * 10 + (uint)(c - '0');
        }
        return true;
    }
}
