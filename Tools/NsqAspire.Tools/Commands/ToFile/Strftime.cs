using System.Text;

namespace NsqAspire.Tools.Commands.ToFile;

/// <summary>
/// <c>--datetime-format</c>: the strftime subset nsq_to_file knows (<c>%B %b %m %A %a %d %H %I %M %S %Y %y %p %Z %z
/// %%</c>), rewritten to a Go layout as the Go tool does and formatted as Go formats it, in local time. Any other
/// <c>%x</c> stays as it is. The text is computed at most once a second (file names are checked per message).
/// </summary>
internal sealed class Strftime
{
    private readonly GoTimeLayout _layout;
    private readonly bool _cacheable;
    private long _cachedSecond = long.MinValue;
    private string _cached = "";

    public Strftime(string format)
    {
        _layout = GoTimeLayout.Parse(ToGoLayout(format));
        _cacheable = !_layout.HasSubsecondField;
    }

    /// <summary>The format's text for <paramref name="now"/> (local time with its zone).</summary>
    public string Format(DateTimeOffset now)
    {
        var second = now.Ticks / TimeSpan.TicksPerSecond;
        if (_cacheable && second == _cachedSecond) return _cached;
        _cached = _layout.Format(now, ZoneName(now));
        _cachedSecond = second;
        return _cached;
    }

    /// <summary>The strftime directives as Go reference-time fields; everything else is copied.</summary>
    public static string ToGoLayout(string format)
    {
        ArgumentNullException.ThrowIfNull(format);
        var layout = new StringBuilder(format.Length * 2);
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] == '%' && i + 1 < format.Length && Directive(format[i + 1]) is { } field)
            {
                layout.Append(field);
                i++;
                continue;
            }
            layout.Append(format[i]);
        }
        return layout.ToString();
    }

    private static string? Directive(char c) => c switch
    {
        'B' => "January",
        'b' => "Jan",
        'm' => "01",
        'A' => "Monday",
        'a' => "Mon",
        'd' => "02",
        'H' => "15",
        'I' => "03",
        'M' => "04",
        'S' => "05",
        'Y' => "2006",
        'y' => "06",
        'p' => "PM",
        'Z' => "MST",
        'z' => "-0700",
        '%' => "%",
        _ => null,
    };

    /// <summary>The zone's abbreviation where the system has one (UTC, CET, ...); Go prints the numeric offset
    /// otherwise, which an empty name gives.</summary>
    private static string? ZoneName(DateTimeOffset now)
    {
        var zone = TimeZoneInfo.Local;
        if (zone.Id is "UTC" or "Etc/UTC" or "Universal" or "Zulu" or "Etc/Universal" or "Etc/Zulu") return "UTC";
        var name = zone.IsDaylightSavingTime(now) ? zone.DaylightName : zone.StandardName;
        return name.Length is > 0 and <= 6 && !name.Contains(' ', StringComparison.Ordinal) ? name : null;
    }
}
