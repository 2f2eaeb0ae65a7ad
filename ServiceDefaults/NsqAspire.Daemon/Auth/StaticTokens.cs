using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace NsqAspire.Daemon.Auth;

/// <summary>
/// The <c>--http-auth-token</c> values, kept as SHA-256 digests and compared in constant time: the comparison time says
/// nothing about how much of a guess was right, and the daemon holds no token text after start.
/// </summary>
internal sealed class StaticTokens
{
    private const int StackLimit = 512;
    private readonly byte[][] _digests;

    public StaticTokens(IEnumerable<string> tokens)
        => _digests = [.. tokens.Where(t => t.Length > 0).Distinct(StringComparer.Ordinal).Select(t => SHA256.HashData(Encoding.UTF8.GetBytes(t)))];

    public int Count => _digests.Length;

    /// <summary>Whether <paramref name="token"/> is one of them; no allocation for tokens up to a few hundred bytes.</summary>
    public bool Contains(string token)
    {
        if (_digests.Length == 0) return false;
        var max = Encoding.UTF8.GetMaxByteCount(token.Length);
        byte[]? rented = max > StackLimit ? ArrayPool<byte>.Shared.Rent(max) : null;
        try
        {
            Span<byte> utf8 = rented ?? stackalloc byte[StackLimit];
            var length = Encoding.UTF8.GetBytes(token, utf8);
            Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(utf8[..length], digest);
            var found = false;
            foreach (var d in _digests) found |= CryptographicOperations.FixedTimeEquals(d, digest);
            return found;
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
