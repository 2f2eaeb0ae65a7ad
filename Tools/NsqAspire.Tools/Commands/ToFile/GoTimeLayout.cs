using System.Globalization;
using System.Text;

namespace NsqAspire.Tools.Commands.ToFile;

/// <summary>
/// Go's <c>time.Format</c> layout (reference time <c>Mon Jan 2 15:04:05 MST 2006</c>), parsed once and formatted many
/// times. nsq_to_file turns its strftime <c>--datetime-format</c> into such a layout, so literal text in the format that
/// happens to be a Go token (<c>1</c>, <c>Jan</c>, <c>_2</c>, ...) is a date field there too; formatting the layout the
/// way Go does gives file names identical to the Go tool's for any format, quirks included.
/// </summary>
internal sealed class GoTimeLayout
{
    private readonly List<(string Literal, Token Token, int Digits)> _chunks = [];

    private GoTimeLayout(string layout)
    {
        var rest = layout;
        while (rest.Length > 0)
        {
            var (prefix, token, digits, suffix) = NextChunk(rest);
            _chunks.Add((prefix, token, digits));
            rest = suffix;
        }
    }

    /// <summary>Fractional seconds in the layout: the text changes more often than once a second.</summary>
    public bool HasSubsecondField => _chunks.Exists(c => c.Token is Token.Frac0 or Token.Frac9);

    public static GoTimeLayout Parse(string layout) => new(layout);

    public string Format(DateTimeOffset t, string? zoneName)
    {
        var b = new StringBuilder();
        foreach (var (literal, token, digits) in _chunks)
        {
            b.Append(literal);
            Append(b, token, digits, t, zoneName);
        }
        return b.ToString();
    }

    private static void Append(StringBuilder b, Token token, int digits, DateTimeOffset t, string? zoneName)
    {
        var hour12 = t.Hour % 12 == 0 ? 12 : t.Hour % 12;
        switch (token)
        {
            case Token.None: break;
            case Token.LongMonth: b.Append(CultureInfo.InvariantCulture.DateTimeFormat.GetMonthName(t.Month)); break;
            case Token.Month: b.Append(CultureInfo.InvariantCulture.DateTimeFormat.GetAbbreviatedMonthName(t.Month)); break;
            case Token.NumMonth: Int(b, t.Month, 0); break;
            case Token.ZeroMonth: Int(b, t.Month, 2); break;
            case Token.LongWeekDay: b.Append(CultureInfo.InvariantCulture.DateTimeFormat.GetDayName(t.DayOfWeek)); break;
            case Token.WeekDay: b.Append(CultureInfo.InvariantCulture.DateTimeFormat.GetAbbreviatedDayName(t.DayOfWeek)); break;
            case Token.Day: Int(b, t.Day, 0); break;
            case Token.UnderDay: b.Append(t.Day < 10 ? " " : "").Append(t.Day); break;
            case Token.ZeroDay: Int(b, t.Day, 2); break;
            case Token.UnderYearDay: b.Append(t.DayOfYear < 10 ? "  " : t.DayOfYear < 100 ? " " : "").Append(t.DayOfYear); break;
            case Token.ZeroYearDay: Int(b, t.DayOfYear, 3); break;
            case Token.Hour: Int(b, t.Hour, 2); break;
            case Token.Hour12: Int(b, hour12, 0); break;
            case Token.ZeroHour12: Int(b, hour12, 2); break;
            case Token.Minute: Int(b, t.Minute, 0); break;
            case Token.ZeroMinute: Int(b, t.Minute, 2); break;
            case Token.Second: Int(b, t.Second, 0); break;
            case Token.ZeroSecond: Int(b, t.Second, 2); break;
            case Token.LongYear: Int(b, t.Year, 4); break;
            case Token.Year: Int(b, t.Year % 100, 2); break;
            case Token.PM: b.Append(t.Hour >= 12 ? "PM" : "AM"); break;
            case Token.Pm: b.Append(t.Hour >= 12 ? "pm" : "am"); break;
            case Token.TZ:
                if (!string.IsNullOrEmpty(zoneName)) b.Append(zoneName);
                else Offset(b, t.Offset, iso: false, colon: false, minutes: true, seconds: false);
                break;
            case Token.Frac0 or Token.Frac9: Fraction(b, token, digits, t); break;
            default: Zone(b, token, t.Offset); break;
        }
    }

    private static void Zone(StringBuilder b, Token token, TimeSpan offset)
    {
        var iso = token is Token.IsoTZ or Token.IsoColonTZ or Token.IsoShortTZ or Token.IsoSecondsTZ or Token.IsoColonSecondsTZ;
        var colon = token is Token.IsoColonTZ or Token.NumColonTZ or Token.IsoColonSecondsTZ or Token.NumColonSecondsTZ;
        var seconds = token is Token.IsoSecondsTZ or Token.NumSecondsTZ or Token.IsoColonSecondsTZ or Token.NumColonSecondsTZ;
        var minutes = token is not (Token.NumShortTZ or Token.IsoShortTZ);
        Offset(b, offset, iso, colon, minutes, seconds);
    }

    private static void Offset(StringBuilder b, TimeSpan offset, bool iso, bool colon, bool minutes, bool seconds)
    {
        if (iso && offset == TimeSpan.Zero)
        {
            b.Append('Z');
            return;
        }
        var total = (int)offset.TotalSeconds;
        b.Append(total < 0 ? '-' : '+');
        total = Math.Abs(total);
        Int(b, total / 3600, 2);
        if (colon) b.Append(':');
        if (minutes) Int(b, total / 60 % 60, 2);
        if (!seconds) return;
        if (colon) b.Append(':');
        Int(b, total % 60, 2);
    }

    private static void Fraction(StringBuilder b, Token token, int digits, DateTimeOffset t)
    {
        // .NET keeps 100 ns ticks: the 8th and 9th digits are always 0.
        var nanos = (t.Ticks % TimeSpan.TicksPerSecond * 100).ToString("D9", CultureInfo.InvariantCulture);
        var n = Math.Min(Math.Abs(digits), 9);
        if (token == Token.Frac9)
        {
            while (n > 0 && nanos[n - 1] == '0') n--;
            if (n == 0) return;
        }
        b.Append(digits < 0 ? ',' : '.').Append(nanos, 0, n);
    }

    private static void Int(StringBuilder b, int value, int width) =>
        b.Append(value.ToString(width > 0 ? "D" + width.ToString(CultureInfo.InvariantCulture) : "D", CultureInfo.InvariantCulture));

    /// <summary>Go's nextStdChunk: the literal prefix, the first token and what follows it.</summary>
    private static (string Prefix, Token Token, int Digits, string Suffix) NextChunk(string l)
    {
        for (var i = 0; i < l.Length; i++)
        {
            var at = l.AsSpan(i);
            switch (l[i])
            {
                case 'J' when at.StartsWith("Jan"):
                    if (at.StartsWith("January")) return (l[..i], Token.LongMonth, 0, l[(i + 7)..]);
                    if (!StartsWithLower(at[3..])) return (l[..i], Token.Month, 0, l[(i + 3)..]);
                    break;
                case 'M' when at.StartsWith("Mon"):
                    if (at.StartsWith("Monday")) return (l[..i], Token.LongWeekDay, 0, l[(i + 6)..]);
                    if (!StartsWithLower(at[3..])) return (l[..i], Token.WeekDay, 0, l[(i + 3)..]);
                    break;
                case 'M' when at.StartsWith("MST"):
                    return (l[..i], Token.TZ, 0, l[(i + 3)..]);
                case '0' when at.Length >= 2 && at[1] is >= '1' and <= '6':
                    return (l[..i], Std0XToken(at[1]), 0, l[(i + 2)..]);
                case '0' when at.StartsWith("002"):
                    return (l[..i], Token.ZeroYearDay, 0, l[(i + 3)..]);
                case '1':
                    return at.StartsWith("15") ? (l[..i], Token.Hour, 0, l[(i + 2)..]) : (l[..i], Token.NumMonth, 0, l[(i + 1)..]);
                case '2':
                    return at.StartsWith("2006") ? (l[..i], Token.LongYear, 0, l[(i + 4)..]) : (l[..i], Token.Day, 0, l[(i + 1)..]);
                case '_' when at.StartsWith("_2"):
                    // "_2006" is a literal "_" then the year.
                    return at.StartsWith("_2006") ? (l[..(i + 1)], Token.LongYear, 0, l[(i + 5)..]) : (l[..i], Token.UnderDay, 0, l[(i + 2)..]);
                case '_' when at.StartsWith("__2"):
                    return (l[..i], Token.UnderYearDay, 0, l[(i + 3)..]);
                case '3': return (l[..i], Token.Hour12, 0, l[(i + 1)..]);
                case '4': return (l[..i], Token.Minute, 0, l[(i + 1)..]);
                case '5': return (l[..i], Token.Second, 0, l[(i + 1)..]);
                case 'P' when at.StartsWith("PM"): return (l[..i], Token.PM, 0, l[(i + 2)..]);
                case 'p' when at.StartsWith("pm"): return (l[..i], Token.Pm, 0, l[(i + 2)..]);
                case '-' or 'Z' when ZoneToken(at) is { } zone: return (l[..i], zone.Token, 0, l[(i + zone.Length)..]);
                case '.' or ',' when at.Length > 1 && at[1] is '0' or '9':
                    var j = 1;
                    while (j < at.Length && at[j] == at[1]) j++;
                    if (j < at.Length && char.IsAsciiDigit(at[j])) break;
                    // Digits below zero: ',' separates the fraction instead of '.'.
                    return (l[..i], at[1] == '0' ? Token.Frac0 : Token.Frac9, at[0] == ',' ? 1 - j : j - 1, l[(i + j)..]);
                default: break;
            }
        }
        return (l, Token.None, 0, "");
    }

    private static (Token Token, int Length)? ZoneToken(ReadOnlySpan<char> at)
    {
        var iso = at[0] == 'Z';
        if (at[1..].StartsWith("070000")) return (iso ? Token.IsoSecondsTZ : Token.NumSecondsTZ, 7);
        if (at[1..].StartsWith("07:00:00")) return (iso ? Token.IsoColonSecondsTZ : Token.NumColonSecondsTZ, 9);
        if (at[1..].StartsWith("0700")) return (iso ? Token.IsoTZ : Token.NumTZ, 5);
        if (at[1..].StartsWith("07:00")) return (iso ? Token.IsoColonTZ : Token.NumColonTZ, 6);
        if (at[1..].StartsWith("07")) return (iso ? Token.IsoShortTZ : Token.NumShortTZ, 3);
        return null;
    }

    private static Token Std0XToken(char c) => c switch
    {
        '1' => Token.ZeroMonth,
        '2' => Token.ZeroDay,
        '3' => Token.ZeroHour12,
        '4' => Token.ZeroMinute,
        '5' => Token.ZeroSecond,
        _ => Token.Year,
    };

    private static bool StartsWithLower(ReadOnlySpan<char> s) => s.Length > 0 && char.IsAsciiLetterLower(s[0]);

    private enum Token
    {
        None, LongMonth, Month, NumMonth, ZeroMonth, LongWeekDay, WeekDay, Day, UnderDay, ZeroDay, UnderYearDay, ZeroYearDay,
        Hour, Hour12, ZeroHour12, Minute, ZeroMinute, Second, ZeroSecond, LongYear, Year, PM, Pm, TZ,
        IsoTZ, IsoColonTZ, IsoShortTZ, IsoSecondsTZ, IsoColonSecondsTZ, NumTZ, NumColonTZ, NumShortTZ, NumSecondsTZ, NumColonSecondsTZ,
        Frac0, Frac9,
    }
}
