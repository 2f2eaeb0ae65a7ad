using System.Buffers;
using System.Text;
using Nsq.Protocol.V2;

namespace Nsq.Client.Internal;

/// <summary>
/// Encodes PUB, DPUB and MPUB for one connection. When the connection negotiated message headers every body is sent
/// as <c>[header block][body]</c> (the block is <c>00 00</c> when there are none); otherwise the body goes out bare
/// through <see cref="CommandWriter"/> and the headers are dropped, which is what the original nsqd can take.
/// </summary>
internal static class PublishWriter
{
    // A block this small is built on the stack; a bigger one (rare: traces are ~100 bytes) in a pooled array.
    private const int StackBlock = 512;

    public static void Pub(IBufferWriter<byte> o, string topic, ReadOnlySpan<byte> body, in HeaderBlock block, bool framed)
    {
        if (!framed)
        {
            CommandWriter.Pub(o, topic, body);
            return;
        }
        Line(o, "PUB "u8, topic, -1);
        Framed(o, block, body);
    }

    public static void Dpub(IBufferWriter<byte> o, string topic, long deferMs, ReadOnlySpan<byte> body, in HeaderBlock block, bool framed)
    {
        if (!framed)
        {
            CommandWriter.Dpub(o, topic, deferMs, body);
            return;
        }
        Line(o, "DPUB "u8, topic, deferMs);
        Framed(o, block, body);
    }

    /// <summary>MPUB: every message carries the same block (the caller's headers and the one send span's context).</summary>
    public static void Mpub(IBufferWriter<byte> o, string topic, ReadOnlySpan<ReadOnlyMemory<byte>> bodies, in HeaderBlock block, bool framed)
    {
        if (!framed)
        {
            CommandWriter.Mpub(o, topic, bodies);
            return;
        }
        long total = 4;
        foreach (var b in bodies) total += 4 + block.Length + b.Length;
        Line(o, "MPUB "u8, topic, -1);
        CommandWriter.Int32(o, checked((int)total));
        CommandWriter.Int32(o, bodies.Length);
        byte[]? rented = null;
        Span<byte> encoded = block.Length <= StackBlock ? stackalloc byte[StackBlock] : (rented = ArrayPool<byte>.Shared.Rent(block.Length));
        encoded = encoded[..block.Length];
        block.Write(encoded);
        foreach (var b in bodies)
        {
            CommandWriter.Int32(o, encoded.Length + b.Length);
            Copy(o, encoded);
            Copy(o, b.Span);
        }
        if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
    }

    private static void Framed(IBufferWriter<byte> o, in HeaderBlock block, ReadOnlySpan<byte> body)
    {
        CommandWriter.Int32(o, block.Length + body.Length);
        block.Write(o.GetSpan(block.Length));
        o.Advance(block.Length);
        Copy(o, body);
    }

    /// <summary><c>VERB topic[ defer]\n</c>: the command line of PUB, DPUB (with its defer) and MPUB.</summary>
    private static void Line(IBufferWriter<byte> o, ReadOnlySpan<byte> verb, string topic, long deferMs)
    {
        Copy(o, verb);
        o.Advance(Encoding.UTF8.GetBytes(topic, o.GetSpan(Encoding.UTF8.GetMaxByteCount(topic.Length))));
        if (deferMs >= 0)
        {
            var span = o.GetSpan(21);
            span[0] = (byte)' ';
            deferMs.TryFormat(span[1..], out var n, default, System.Globalization.CultureInfo.InvariantCulture);
            o.Advance(n + 1);
        }
        Copy(o, "\n"u8);
    }

    private static void Copy(IBufferWriter<byte> o, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(o.GetSpan(bytes.Length));
        o.Advance(bytes.Length);
    }
}
