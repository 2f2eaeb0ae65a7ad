using System.Globalization;

namespace NsqAspire.Daemon.CommandLine;

/// <summary>
/// Scalar values the way Go's <c>flag</c> package reads them (<c>strconv.ParseBool</c>, <c>ParseInt(s, 0, 64)</c>,
/// <c>ParseFloat</c>), so a command line that works with the Go daemons (nsqd, nsqlookupd, nsqadmin) works here. Errors are
/// <see cref="FormatException"/>s whose message says what was expected.
/// </summary>
public static class GoFlagValue
{
    /// <summary>Go's <c>strconv.ParseBool</c>: 1 t T true TRUE True, 0 f F false FALSE False.</summary>
    public static bool ParseBool(string text) => text switch
    {
        "1" or "t" or "T" or "true" or "TRUE" or "True" => true,
        "0" or "f" or "F" or "false" or "FALSE" or "False" => false,
        _ => throw new FormatException("expected a boolean (true or false)"),
    };

    /// <summary>Go integer literal: optional sign, <c>0x</c>/<c>0o</c>/<c>0b</c> or leading-<c>0</c> octal prefix,
    /// digits optionally separated by single underscores.</summary>
    public static long ParseInt64(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var s = text.AsSpan();
        var negative = false;
        if (s.Length > 0 && s[0] is '+' or '-')
        {
            negative = s[0] == '-';
            s = s[1..];
        }
        if (s.IsEmpty || !UnderscoresOk(s)) throw NotAnInteger();

        var radix = 10;
        if (s[0] == '0' && s.Length > 1)
        {
            radix = s.Length > 2 ? char.ToLowerInvariant(s[1]) switch { 'x' => 16, 'b' => 2, _ => 8 } : 8;
            // 0x/0o/0b drop two characters; a plain leading 0 (octal) drops one.
            s = s[(s.Length > 2 && char.ToLowerInvariant(s[1]) is 'x' or 'o' or 'b' ? 2 : 1)..];
        }

        const ulong limit = 1UL << 63;
        ulong magnitude = 0;
        var digits = 0;
        foreach (var c in s)
        {
            if (c == '_') continue;
            var digit = DigitValue(c);
            if (digit >= radix) throw NotAnInteger();
            if (magnitude > (limit - (ulong)digit) / (ulong)radix) throw OutOfRange();
            magnitude = (magnitude * (ulong)radix) + (ulong)digit;
            digits++;
        }
        if (digits == 0 && radix != 8) throw NotAnInteger(); // "0x" alone; a lone "0" is octal zero
        if (negative) return magnitude == limit ? long.MinValue : -(long)magnitude;
        if (magnitude > long.MaxValue) throw OutOfRange();
        return (long)magnitude;
    }

    /// <summary><see cref="ParseInt64"/> limited to 32 bits.</summary>
    public static int ParseInt32(string text)
    {
        var value = ParseInt64(text);
        return value is < int.MinValue or > int.MaxValue ? throw OutOfRange() : (int)value;
    }

    /// <summary>A finite decimal or exponent float; NaN and infinities are never meaningful for a flag.</summary>
    public static double ParseFloat(string text)
    {
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
            throw new FormatException("expected a number");
        return value;
    }

    /// <summary>The error for a number that does not fit.</summary>
    public static FormatException OutOfRange() => new("value out of range");

    private static FormatException NotAnInteger() => new("expected an integer");

    private static int DigitValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'z' => c - 'a' + 10,
        >= 'A' and <= 'Z' => c - 'A' + 10,
        _ => int.MaxValue,
    };

    // Go's rule: an underscore must sit between two digits, or between a base prefix and a digit.
    private static bool UnderscoresOk(ReadOnlySpan<char> s)
    {
        var start = s.Length > 2 && s[0] == '0' && char.ToLowerInvariant(s[1]) is 'x' or 'o' or 'b' ? 2 : 0;
        for (var i = start; i < s.Length; i++)
        {
            if (s[i] != '_') continue;
            var afterPrefix = i == start && start == 2;
            var previousOk = afterPrefix || (i > 0 && s[i - 1] != '_');
            var nextOk = i + 1 < s.Length && s[i + 1] != '_';
            if (i == 0 || !previousOk || !nextOk) return false;
        }
        return true;
    }
}
