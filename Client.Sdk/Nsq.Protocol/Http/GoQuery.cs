using System.Text;

namespace Nsq.Protocol.Http;

/// <summary>
/// Query parameters parsed like Go's <c>url.ParseQuery</c> (spec §3.1: parameters come from the URL only): pairs split on
/// <c>&amp;</c>, a pair containing <c>;</c> is an error, <c>+</c> is a space and a <c>%</c> not followed by two hex digits
/// is an error. A parse error makes nsqd and nsqlookupd answer <c>400 INVALID_REQUEST</c>. Keeps the first value of each key, which is
/// what nsqd reads.
/// </summary>
public sealed class GoQuery
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    private GoQuery()
    {
    }

    /// <summary>A query with no parameters.</summary>
    public static GoQuery Empty { get; } = new();

    /// <summary>Parses a raw query (a leading <c>?</c> is skipped). Returns false on any error, as Go reports the first one.</summary>
    public static bool TryParse(ReadOnlySpan<char> raw, out GoQuery query)
    {
        query = new GoQuery();
        if (raw.StartsWith("?")) raw = raw[1..];
        var ok = true;
        while (!raw.IsEmpty)
        {
            var amp = raw.IndexOf('&');
            var pair = amp < 0 ? raw : raw[..amp];
            raw = amp < 0 ? [] : raw[(amp + 1)..];
            if (pair.Contains(';'))
            {
                ok = false;
                continue;
            }
            if (pair.IsEmpty) continue;
            var eq = pair.IndexOf('=');
            var rawKey = eq < 0 ? pair : pair[..eq];
            var rawValue = eq < 0 ? [] : pair[(eq + 1)..];
            if (!TryUnescape(rawKey, out var key) || !TryUnescape(rawValue, out var value))
            {
                ok = false;
                continue;
            }
            query._values.TryAdd(key, value);
        }
        return ok;
    }

    /// <summary>Whether the query has the parameter <paramref name="key"/> (with any value, empty included).</summary>
    public bool Has(string key) => _values.ContainsKey(key);

    /// <summary>The first value, or null when the key is absent (<c>?topic=</c> gives the empty string).</summary>
    public string? Get(string key) => _values.GetValueOrDefault(key);

    /// <summary>nsqd's boolParams: <c>true</c>/<c>1</c> and <c>false</c>/<c>0</c>; anything else (or absent) is null.</summary>
    public static bool? ParseBool(string? value) => value switch
    {
        "true" or "1" => true,
        "false" or "0" => false,
        _ => null,
    };

    private static bool TryUnescape(ReadOnlySpan<char> s, out string result)
    {
        if (s.IndexOfAny('%', '+') < 0)
        {
            result = s.ToString();
            return true;
        }
        var bytes = new byte[Encoding.UTF8.GetMaxByteCount(s.Length)];
        var n = 0;
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '+')
            {
                bytes[n++] = (byte)' ';
            }
            else if (c == '%')
            {
                if (i + 2 >= s.Length)
                {
                    result = "";
                    return false;
                }
                var hi = HexValue(s[i + 1]);
                var lo = HexValue(s[i + 2]);
                if (hi < 0 || lo < 0)
                {
                    result = "";
                    return false;
                }
                bytes[n++] = (byte)((hi << 4) | lo);
                i += 2;
            }
            else
            {
                n += Encoding.UTF8.GetBytes(s.Slice(i, char.IsHighSurrogate(c) && i + 1 < s.Length ? 2 : 1), bytes.AsSpan(n));
                if (char.IsHighSurrogate(c) && i + 1 < s.Length) i++;
            }
        }
        result = Encoding.UTF8.GetString(bytes, 0, n);
        return true;
    }

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };
}
