using System.Globalization;
using System.Text;

namespace NsqAspire.Daemon.CommandLine;

/// <summary>
/// Go's duration syntax (<c>time.ParseDuration</c>), which nsqd uses for every duration flag and config value:
/// a sign, then one or more decimal numbers each with a unit (<c>ns us µs ms s m h</c>), e.g. <c>250ms</c>, <c>1m0s</c>,
/// <c>1.5h</c>, <c>1h30m</c>. A bare <c>0</c> is the only number allowed without a unit; nsqd rejects <c>60</c>.
/// </summary>
public static class GoDuration
{
    private const ulong MaxMagnitude = 1UL << 63; // |long.MinValue|: Go allows exactly this much for negative values

    /// <summary>Parses a Go duration; throws <see cref="FormatException"/> saying what is wrong.</summary>
    public static TimeSpan Parse(string text)
    {
        if (!TryParseNanoseconds(text, out var nanoseconds, out var error)) throw new FormatException(error);
        // TimeSpan counts 100 ns ticks; anything finer is dropped (truncated toward zero).
        return TimeSpan.FromTicks(nanoseconds / 100);
    }

    public static bool TryParse(string text, out TimeSpan value)
    {
        var ok = TryParseNanoseconds(text, out var nanoseconds, out _);
        value = ok ? TimeSpan.FromTicks(nanoseconds / 100) : default;
        return ok;
    }

    /// <summary>Go's algorithm on integers, so results match nsqd to the nanosecond.</summary>
    public static bool TryParseNanoseconds(string text, out long nanoseconds, out string error)
    {
        ArgumentNullException.ThrowIfNull(text);
        nanoseconds = 0;
        error = "";
        var s = text.AsSpan();
        var negative = false;
        if (s.Length > 0 && s[0] is '-' or '+')
        {
            negative = s[0] == '-';
            s = s[1..];
        }
        if (s is "0") return true;
        if (s.IsEmpty) return Fail("invalid duration", out error);

        ulong total = 0;
        while (!s.IsEmpty)
        {
            if (s[0] != '.' && !char.IsAsciiDigit(s[0])) return Fail("invalid duration", out error);

            // Whole part.
            ulong whole = 0;
            var i = 0;
            for (; i < s.Length && char.IsAsciiDigit(s[i]); i++)
            {
                var digit = (ulong)(s[i] - '0');
                if (whole > (MaxMagnitude - digit) / 10) return Fail("invalid duration (out of range)", out error);
                whole = (whole * 10) + digit;
            }
            var hasWhole = i > 0;
            s = s[i..];

            // Fraction: digits past what fits are ignored, as Go does.
            ulong fraction = 0;
            double scale = 1;
            var hasFraction = false;
            if (!s.IsEmpty && s[0] == '.')
            {
                s = s[1..];
                var fits = true;
                for (i = 0; i < s.Length && char.IsAsciiDigit(s[i]); i++)
                {
                    if (!fits) continue;
                    if (fraction > (long.MaxValue - 9) / 10)
                    {
                        fits = false;
                        continue;
                    }
                    fraction = (fraction * 10) + (ulong)(s[i] - '0');
                    scale *= 10;
                }
                hasFraction = i > 0;
                s = s[i..];
            }
            if (!hasWhole && !hasFraction) return Fail("invalid duration", out error);

            // Unit: everything up to the next number.
            for (i = 0; i < s.Length && s[i] != '.' && !char.IsAsciiDigit(s[i]); i++)
            {
            }
            if (i == 0) return Fail("missing unit in duration (use a Go duration such as 250ms, 2s, 1m0s or 1h)", out error);
            var unitText = s[..i];
            s = s[i..];
            var unit = UnitNanoseconds(unitText);
            if (unit == 0) return Fail($"unknown unit \"{unitText}\" in duration (valid units: ns, us, ms, s, m, h)", out error);

            if (whole > MaxMagnitude / unit) return Fail("invalid duration (out of range)", out error);
            var value = whole * unit;
            if (fraction > 0)
            {
                value += (ulong)(fraction * (unit / scale));
                if (value > MaxMagnitude) return Fail("invalid duration (out of range)", out error);
            }
            total += value;
            if (total > MaxMagnitude) return Fail("invalid duration (out of range)", out error);
        }

        if (negative)
        {
            nanoseconds = total == MaxMagnitude ? long.MinValue : -(long)total;
            return true;
        }
        if (total > long.MaxValue) return Fail("invalid duration (out of range)", out error);
        nanoseconds = (long)total;
        return true;
    }

    private static ulong UnitNanoseconds(ReadOnlySpan<char> unit) => unit switch
    {
        "ns" => 1,
        "us" or "\u00b5s" or "\u03bcs" => 1_000, // Go accepts both micro signs
        "ms" => 1_000_000,
        "s" => 1_000_000_000,
        "m" => 60UL * 1_000_000_000,
        "h" => 3600UL * 1_000_000_000,
        _ => 0,
    };

    private static bool Fail(string message, out string error)
    {
        error = message;
        return false;
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
}
