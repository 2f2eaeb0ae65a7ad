using System.Globalization;
using System.Text;

namespace NsqAspire.Daemon.Auth;

/// <summary>
/// The byte-exact encodings nsqd's auth path produces with Go's standard library: <c>url.QueryEscape</c> for the GET
/// query (space as <c>+</c>, everything but <c>A-Za-z0-9-_.~</c> percent-encoded with upper-case hex) and
/// <c>encoding/json</c> string quoting (UTF-8 kept as is; <c>&lt; &gt; &amp;</c>, U+2028/U+2029 and control characters
/// escaped with lower-case hex).
/// </summary>
public static class GoEncoding
{
    public static string QueryEscape(string s)
    {
        var sb = new StringBuilder(s.Length + 8);
        foreach (var b in Encoding.UTF8.GetBytes(s))
        {
            var c = (char)b;
            if (c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '-' or '_' or '.' or '~') sb.Append(c);
            else if (c == ' ') sb.Append('+');
            else sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    /// <summary>A JSON string literal, quotes included, as Go's <c>json.Marshal</c> writes it.</summary>
    public static string JsonQuote(string s)
    {
        var sb = new StringBuilder(s.Length + 2).Append('"');
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '<' or '>' or '&' or '\u2028' or '\u2029':
                    Hex(sb, c);
                    break;
                default:
                    if (c < 0x20) Hex(sb, c);
                    else if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) sb.Append(c).Append(s[++i]);
                    else if (char.IsSurrogate(c)) sb.Append('\ufffd'); // invalid UTF-16: Go writes U+FFFD
                    else sb.Append(c);
                    break;
            }
        }
        return sb.Append('"').ToString();
    }

    private static void Hex(StringBuilder sb, char c) => sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
}
