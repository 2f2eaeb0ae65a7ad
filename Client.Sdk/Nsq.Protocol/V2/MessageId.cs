using System.Buffers.Binary;

namespace Nsq.Protocol.V2;

/// <summary>
/// Spec §1.13: a message ID is 16 lowercase ASCII hex characters on the wire encoding a 64-bit value.
/// Clients echo the 16 bytes back verbatim in FIN/REQ/TOUCH, so the broker keys in-flight state by the 64-bit value.
/// </summary>
public static class MessageId
{
    /// <summary>The length of a message ID on the wire: 16 hex characters.</summary>
    public const int Length = 16;

    private static ReadOnlySpan<byte> HexDigits => "0123456789abcdef"u8;

    /// <summary>Writes the 16 hex characters of <paramref name="id"/> into <paramref name="destination"/>.</summary>
    public static void Format(ulong id, Span<byte> destination)
    {
        var hex = HexDigits;
        var d = destination[..Length];
        for (var i = Length - 1; i >= 0; i--)
        {
            d[i] = hex[(int)(id & 0xF)];
            id >>= 4;
        }
    }

    /// <summary>Parses 16 hex characters (either case). False for any other length or a non-hex character.</summary>
    public static bool TryParse(ReadOnlySpan<byte> text, out ulong id)
    {
        id = 0;
        if (text.Length != Length) return false;
        ulong v = 0;
        foreach (var c in text)
        {
            int n = c switch
            {
                >= (byte)'0' and <= (byte)'9' => c - '0',
                >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
                _ => -1,
            };
            if (n < 0) return false;
            v = (v << 4) | (uint)n;
        }
        id = v;
        return true;
    }

    /// <summary>The 16 hex characters of <paramref name="id"/>.</summary>
    public static string ToString(ulong id)
    {
        Span<byte> buf = stackalloc byte[Length];
        Format(id, buf);
        return System.Text.Encoding.ASCII.GetString(buf);
    }

    /// <summary>Reads the 64-bit value back from a big-endian 8-byte form (unused on the wire; handy for tests).</summary>
    public static ulong FromBigEndian(ReadOnlySpan<byte> eight) => BinaryPrimitives.ReadUInt64BigEndian(eight);
}
