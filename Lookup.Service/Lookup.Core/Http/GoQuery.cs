using System.Text;

namespace Lookup.Core.Http;

/// <summary>
/// Query parameters as Go's <c>url.ParseQuery</c> reads them (spec §3.1: from the URL only): pairs split on <c>&amp;</c>,
/// a <c>;</c> in a pair or a bad <c>%</c> escape is an error (nsqlookupd: <c>400 INVALID_REQUEST</c>), <c>+</c> is a
/// space. The first value of a key wins; <c>?topic=</c> is the empty string, not missing.
/// </summary>
internal sealed class GoQuery
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public static bool TryParse(string? raw, out GoQuery query)
    {
        query = new GoQuery();
        var s = (raw ?? "").AsSpan();
        if (s.StartsWith("?")) s = s[1..];
        var ok = true;
        while (!s.IsEmpty)
        {
            var amp = s.IndexOf('&');
            var pair = amp < 0 ? s : s[..amp];
            s = amp < 0 ? [] : s[(amp + 1)..];
            if (pair.IsEmpty) continue;
            if (pair.Contains(';'))
            {
                ok = false;
                continue;
            }
            var eq = pair.IndexOf('=');
            if (!TryUnescape(eq < 0 ? pair : pair[..eq], out var key) || !TryUnescape(eq < 0 ? [] : pair[(eq + 1)..], out var value))
            {
                ok = false;
                continue;
            }
            query._values.TryAdd(key, value);
        }
        return ok;
    }

    /// <summary>The first value, or null when the key is absent.</summary>
    public string? Get(string key) => _values.GetValueOrDefault(key);

    private static bool TryUnescape(ReadOnlySpan<char> s, out string result)
    {
        result = "";
        if (s.IndexOfAny('%', '+') < 0)
        {
            result = s.ToString();
            return true;
        }
        var bytes = new List<byte>(s.Length);
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '+')
            {
                bytes.Add((byte)' ');
            }
            else if (c == '%')
            {
                if (i + 2 >= s.Length || !Uri.IsHexDigit(s[i + 1]) || !Uri.IsHexDigit(s[i + 2])) return false;
                bytes.Add((byte)((Uri.FromHex(s[i + 1]) << 4) | Uri.FromHex(s[i + 2])));
                i += 2;
            }
            else
            {
                var len = char.IsHighSurrogate(c) && i + 1 < s.Length ? 2 : 1;
                var n = Encoding.UTF8.GetBytes(s.Slice(i, len), utf8);
                for (var k = 0; k < n; k++) bytes.Add(utf8[k]);
                i += len - 1;
            }
        }
        result = Encoding.UTF8.GetString([.. bytes]);
        return true;
    }
}
