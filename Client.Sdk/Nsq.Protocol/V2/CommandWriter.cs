using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Nsq.Protocol.V2;

/// <summary>
/// Spec §2.2 + §2.5: client → server commands, written into a buffer writer. Used by the SDK, the load tool and tests,
/// so there is one encoder of the client side of the protocol.
/// </summary>
public static class CommandWriter
{
    /// <summary><c>NOP\n</c></summary>
    public static void Nop(IBufferWriter<byte> o) => Raw(o, "NOP\n"u8);

    /// <summary><c>CLS\n</c></summary>
    public static void Cls(IBufferWriter<byte> o) => Raw(o, "CLS\n"u8);

    /// <summary><c>IDENTIFY\n[int32 size][json]</c></summary>
    public static void Identify(IBufferWriter<byte> o, ReadOnlySpan<byte> json) => WithBody(o, "IDENTIFY\n"u8, json);

    /// <summary><c>AUTH\n[int32 size][secret]</c></summary>
    public static void Auth(IBufferWriter<byte> o, ReadOnlySpan<byte> secret) => WithBody(o, "AUTH\n"u8, secret);

    /// <summary><c>SUB &lt;topic&gt; &lt;channel&gt;\n</c></summary>
    public static void Sub(IBufferWriter<byte> o, string topic, string channel)
    {
        Raw(o, "SUB "u8); Ascii(o, topic); Raw(o, " "u8); Ascii(o, channel); Raw(o, "\n"u8);
    }

    /// <summary><c>RDY &lt;count&gt;\n</c></summary>
    public static void Rdy(IBufferWriter<byte> o, long count)
    {
        Raw(o, "RDY "u8); Number(o, count); Raw(o, "\n"u8);
    }

    /// <summary><c>FIN &lt;id&gt;\n</c> with the 16 id bytes echoed verbatim.</summary>
    public static void Fin(IBufferWriter<byte> o, ReadOnlySpan<byte> id)
    {
        Raw(o, "FIN "u8); Raw(o, id); Raw(o, "\n"u8);
    }

    /// <summary><c>REQ &lt;id&gt; &lt;timeout_ms&gt;\n</c></summary>
    public static void Req(IBufferWriter<byte> o, ReadOnlySpan<byte> id, long timeoutMs)
    {
        Raw(o, "REQ "u8); Raw(o, id); Raw(o, " "u8); Number(o, timeoutMs); Raw(o, "\n"u8);
    }

    /// <summary><c>TOUCH &lt;id&gt;\n</c></summary>
    public static void Touch(IBufferWriter<byte> o, ReadOnlySpan<byte> id)
    {
        Raw(o, "TOUCH "u8); Raw(o, id); Raw(o, "\n"u8);
    }

    /// <summary><c>PUB &lt;topic&gt;\n[int32 size][body]</c></summary>
    public static void Pub(IBufferWriter<byte> o, string topic, ReadOnlySpan<byte> body)
    {
        Raw(o, "PUB "u8); Ascii(o, topic); Raw(o, "\n"u8); Sized(o, body);
    }

    /// <summary><c>DPUB &lt;topic&gt; &lt;defer_ms&gt;\n[int32 size][body]</c></summary>
    public static void Dpub(IBufferWriter<byte> o, string topic, long deferMs, ReadOnlySpan<byte> body)
    {
        Raw(o, "DPUB "u8); Ascii(o, topic); Raw(o, " "u8); Number(o, deferMs); Raw(o, "\n"u8); Sized(o, body);
    }

    /// <summary>
    /// <c>MPUB &lt;topic&gt;\n[int32 body_size][int32 num][int32 size][bytes]...</c>. The caller passes the bodies; the
    /// total size is computed first so the frame is written in one pass.
    /// </summary>
    public static void Mpub(IBufferWriter<byte> o, string topic, ReadOnlySpan<ReadOnlyMemory<byte>> bodies)
    {
        long total = 4;
        foreach (var b in bodies) total += 4 + b.Length;
        Raw(o, "MPUB "u8); Ascii(o, topic); Raw(o, "\n"u8);
        Int32(o, checked((int)total));
        Int32(o, bodies.Length);
        foreach (var b in bodies) Sized(o, b.Span);
    }

    /// <summary>Writes a big-endian int32.</summary>
    public static void Int32(IBufferWriter<byte> o, int value)
    {
        BinaryPrimitives.WriteInt32BigEndian(o.GetSpan(4), value);
        o.Advance(4);
    }

    private static void WithBody(IBufferWriter<byte> o, ReadOnlySpan<byte> line, ReadOnlySpan<byte> body)
    {
        Raw(o, line); Sized(o, body);
    }

    private static void Sized(IBufferWriter<byte> o, ReadOnlySpan<byte> body)
    {
        Int32(o, body.Length); Raw(o, body);
    }

    private static void Raw(IBufferWriter<byte> o, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(o.GetSpan(bytes.Length));
        o.Advance(bytes.Length);
    }

    private static void Ascii(IBufferWriter<byte> o, string s)
    {
        var n = Encoding.UTF8.GetBytes(s, o.GetSpan(Encoding.UTF8.GetMaxByteCount(s.Length)));
        o.Advance(n);
    }

    private static void Number(IBufferWriter<byte> o, long value)
    {
        var span = o.GetSpan(20);
        value.TryFormat(span, out var n, default, System.Globalization.CultureInfo.InvariantCulture);
        o.Advance(n);
    }
}
