using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Nsq.Protocol.Lookup;

/// <summary>
/// Spec §6.2: the nsqd → nsqlookupd TCP protocol V1. Commands are text lines; IDENTIFY carries a
/// <c>[int32 size][JSON]</c> body. Used by the broker's lookup peers and by tests.
/// </summary>
public static class LookupV1Writer
{
    /// <summary><c>PING\n</c></summary>
    public static void Ping(IBufferWriter<byte> o) => Raw(o, "PING\n"u8);

    /// <summary><c>IDENTIFY\n[int32 size][json]</c></summary>
    public static void Identify(IBufferWriter<byte> o, ReadOnlySpan<byte> json)
    {
        Raw(o, "IDENTIFY\n"u8);
        BinaryPrimitives.WriteInt32BigEndian(o.GetSpan(4), json.Length);
        o.Advance(4);
        Raw(o, json);
    }

    /// <summary><c>REGISTER &lt;topic&gt; [&lt;channel&gt;]\n</c></summary>
    public static void Register(IBufferWriter<byte> o, string topic, string? channel = null) => Line(o, "REGISTER "u8, topic, channel);

    /// <summary><c>UNREGISTER &lt;topic&gt; [&lt;channel&gt;]\n</c></summary>
    public static void Unregister(IBufferWriter<byte> o, string topic, string? channel = null) => Line(o, "UNREGISTER "u8, topic, channel);

    /// <summary>Spec §6.2 responses: <c>[int32 size][data]</c>, untyped (no frame-type field), for success and errors.</summary>
    public static void Response(IBufferWriter<byte> o, ReadOnlySpan<byte> data)
    {
        BinaryPrimitives.WriteInt32BigEndian(o.GetSpan(4), data.Length);
        o.Advance(4);
        Raw(o, data);
    }

    private static void Line(IBufferWriter<byte> o, ReadOnlySpan<byte> verb, string topic, string? channel)
    {
        Raw(o, verb);
        Utf8(o, topic);
        if (channel is not null)
        {
            Raw(o, " "u8);
            Utf8(o, channel);
        }
        Raw(o, "\n"u8);
    }

    private static void Raw(IBufferWriter<byte> o, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(o.GetSpan(bytes.Length));
        o.Advance(bytes.Length);
    }

    private static void Utf8(IBufferWriter<byte> o, string s)
    {
        var n = Encoding.UTF8.GetBytes(s, o.GetSpan(Encoding.UTF8.GetMaxByteCount(s.Length)));
        o.Advance(n);
    }
}
