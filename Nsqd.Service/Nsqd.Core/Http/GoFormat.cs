using System.Globalization;
using System.Text;

namespace Nsqd.Core.Http;

/// <summary>Go's text formats that nsqd's /stats text output shows: <c>time.Duration.String()</c> and the e2e latency form.</summary>
internal static class GoFormat
{
    /// <summary>Go's <c>time.Duration.String()</c>: <c>0s</c>, <c>1.5ms</c>, <c>29.285101363s</c>, <c>1h2m3s</c>.</summary>
    public static string Duration(long nanos)
    {
        if (nanos == 0) return "0s";
        var negative = nanos < 0;
        var u = negative ? (ulong)-(nanos + 1) + 1 : (ulong)nanos;
        var sb = new StringBuilder();
        if (negative) sb.Append('-');
        if (u < 1_000_000_000)
        {
            if (u < 1_000) return sb.Append(u.ToString(CultureInfo.InvariantCulture)).Append("ns").ToString();
            if (u < 1_000_000) return AppendFraction(sb, u, 3).Append("µs").ToString();
            return AppendFraction(sb, u, 6).Append("ms").ToString();
        }
        var seconds = u / 1_000_000_000;
        var fraction = u % 1_000_000_000;
        var hours = seconds / 3600;
        var minutes = seconds / 60 % 60;
        if (hours > 0) sb.Append(hours.ToString(CultureInfo.InvariantCulture)).Append('h');
        if (seconds >= 60) sb.Append(minutes.ToString(CultureInfo.InvariantCulture)).Append('m');
        sb.Append((seconds % 60).ToString(CultureInfo.InvariantCulture));
        AppendTrimmedFraction(sb, fraction, 9);
        return sb.Append('s').ToString();
    }

    private static StringBuilder AppendFraction(StringBuilder sb, ulong value, int digits)
    {
        ulong scale = 1;
        for (var i = 0; i < digits; i++) scale *= 10;
        sb.Append((value / scale).ToString(CultureInfo.InvariantCulture));
        AppendTrimmedFraction(sb, value % scale, digits);
        return sb;
    }

    private static void AppendTrimmedFraction(StringBuilder sb, ulong fraction, int digits)
    {
        if (fraction == 0) return;
        var text = fraction.ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0').TrimEnd('0');
        sb.Append('.').Append(text);
    }

    /// <summary>nsqd's NanoSecondToHuman: one decimal and the largest unit the value exceeds (<c>17.4s</c>, <c>3.0ms</c>).</summary>
    public static string NanosToHuman(double v)
    {
        string suffix;
        if (v > 1_000_000_000)
        {
            v /= 1_000_000_000;
            suffix = "s";
        }
        else if (v > 1_000_000)
        {
            v /= 1_000_000;
            suffix = "ms";
        }
        else if (v > 1_000)
        {
            v /= 1_000;
            suffix = "us";
        }
        else
        {
            suffix = "ns";
        }
        return v.ToString("F1", CultureInfo.InvariantCulture) + suffix;
    }
}
