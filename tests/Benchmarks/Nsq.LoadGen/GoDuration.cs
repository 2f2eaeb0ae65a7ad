using System.Globalization;
using System.Text;

namespace Nsq.LoadGen;

/// <summary>Go's <c>time.ParseDuration</c> input (<c>10s</c>, <c>1m30s</c>, <c>1.5s</c>, <c>250ms</c>) and <c>Duration.String()</c> output.</summary>
internal static class GoDuration
{
    /// <summary>Parses a Go duration string; throws <see cref="FormatException"/> when it is not one.</summary>
    public static TimeSpan Parse(string s)
    {
        if (s is "0" or "+0" or "-0") return TimeSpan.Zero;
        var negative = false;
        var i = 0;
        if (i < s.Length && s[i] is '+' or '-')
        {
            negative = s[i] == '-';
            i++;
        }
        if (i >= s.Length) throw Invalid(s);
        decimal totalNs = 0;
        while (i < s.Length)
        {
            var start = i;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.')) i++;
            if (i == start) throw Invalid(s);
            if (!decimal.TryParse(s.AsSpan(start, i - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
                throw Invalid(s);
            start = i;
            while (i < s.Length && !char.IsAsciiDigit(s[i]) && s[i] != '.') i++;
            decimal unit = s[start..i] switch
            {
                "ns" => 1m,
                "us" or "µs" or "μs" => 1_000m,
                "ms" => 1_000_000m,
                "s" => 1_000_000_000m,
                "m" => 60_000_000_000m,
                "h" => 3_600_000_000_000m,
                "" => throw new FormatException($"time: missing unit in duration \"{s}\""),
                var u => throw new FormatException($"time: unknown unit \"{u}\" in duration \"{s}\""),
            };
            totalNs += number * unit;
        }
        var ticks = (long)(totalNs / 100m);
        return TimeSpan.FromTicks(negative ? -ticks : ticks);
    }

    /// <summary>Formats nanoseconds the way Go's <c>time.Duration.String()</c> does: <c>10.000395813s</c>, <c>1m0.5s</c>, <c>1.5ms</c>.</summary>
    public static string Format(long ns)
    {
        if (ns == 0) return "0s";
        var sb = new StringBuilder();
        if (ns < 0)
        {
            sb.Append('-');
            ns = -ns;
        }
        if (ns < 1_000) return sb.Append(ns.ToString(CultureInfo.InvariantCulture)).Append("ns").ToString();
        if (ns < 1_000_000) return AppendFraction(sb, ns, 1_000, 3).Append("µs").ToString();
        if (ns < 1_000_000_000) return AppendFraction(sb, ns, 1_000_000, 6).Append("ms").ToString();
        var hours = ns / 3_600_000_000_000;
        ns -= hours * 3_600_000_000_000;
        var minutes = ns / 60_000_000_000;
        ns -= minutes * 60_000_000_000;
        if (hours > 0) sb.Append(hours.ToString(CultureInfo.InvariantCulture)).Append('h');
        if (hours > 0 || minutes > 0) sb.Append(minutes.ToString(CultureInfo.InvariantCulture)).Append('m');
        return AppendFraction(sb, ns, 1_000_000_000, 9).Append('s').ToString();
    }

    private static StringBuilder AppendFraction(StringBuilder sb, long value, long unit, int digits)
    {
        sb.Append((value / unit).ToString(CultureInfo.InvariantCulture));
        var frac = value % unit;
        if (frac == 0) return sb;
        var text = frac.ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0').TrimEnd('0');
        return sb.Append('.').Append(text);
    }

    private static FormatException Invalid(string s) => new($"time: invalid duration \"{s}\"");
}
