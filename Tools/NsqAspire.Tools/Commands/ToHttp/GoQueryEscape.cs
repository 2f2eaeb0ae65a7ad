using System.Buffers;

namespace NsqAspire.Tools.Commands.ToHttp;

/// <summary>
/// Go's <c>url.QueryEscape</c> over raw bytes, as nsq_to_http puts a message body into a <c>--get</c> URL: letters,
/// digits and <c>-_.~</c> stay, a space becomes <c>+</c>, every other byte becomes <c>%XX</c> (upper-case hex). Works on
/// the body's bytes, so a body that is not UTF-8 arrives byte for byte.
/// </summary>
internal static class GoQueryEscape
{
    private const string Hex = "0123456789ABCDEF";

    /// <summary><paramref name="prefix"/> + the escaped <paramref name="body"/> + <paramref name="suffix"/>, in one string.</summary>
    public static string Wrap(string prefix, ReadOnlySpan<byte> body, string suffix)
    {
        var escaped = 0;
        foreach (var b in body)
            escaped += IsUnreserved(b) || b == (byte)' ' ? 1 : 3;
        var length = prefix.Length + escaped + suffix.Length;
        var buffer = ArrayPool<char>.Shared.Rent(length);
        try
        {
            var span = buffer.AsSpan();
            prefix.AsSpan().CopyTo(span);
            var at = prefix.Length;
            foreach (var b in body)
            {
                if (IsUnreserved(b)) span[at++] = (char)b;
                else if (b == (byte)' ') span[at++] = '+';
                else
                {
                    span[at++] = '%';
                    span[at++] = Hex[b >> 4];
                    span[at++] = Hex[b & 0xF];
                }
            }
            suffix.AsSpan().CopyTo(span[at..]);
            return new string(span[..length]);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }

    private static bool IsUnreserved(byte b) =>
        b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9'
            or (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~';
}
