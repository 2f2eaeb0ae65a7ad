using System.Globalization;

namespace NsqAspire.Daemon.CommandLine;

/// <summary>
/// Converts values read from a daemon's TOML config file (string, long, double, bool or array) to flag values.
/// Strings are read with the command-line rules, so <c>mem_queue_size = "10000"</c> and <c>mem_queue_size = 10000</c>
/// both work, as they do with the Go daemons. Durations must be strings (<c>msg_timeout = "60s"</c>): a bare number has no unit.
/// </summary>
public static class ConfigFileValue
{
    /// <summary>A TOML bool, or a string read as a Go bool.</summary>
    public static bool ToBool(object value) => value switch
    {
        bool b => b,
        string s => GoFlagValue.ParseBool(s),
        _ => throw Expected("a boolean"),
    };

    /// <summary>A TOML integer, or a string read as a Go integer.</summary>
    public static long ToInt64(object value) => value switch
    {
        long l => l,
        int i => i,
        string s => GoFlagValue.ParseInt64(s),
        _ => throw Expected("an integer"),
    };

    /// <summary><see cref="ToInt64"/> limited to 32 bits.</summary>
    public static int ToInt32(object value)
    {
        var l = ToInt64(value);
        return l is < int.MinValue or > int.MaxValue ? throw GoFlagValue.OutOfRange() : (int)l;
    }

    /// <summary>A Go duration string.</summary>
    public static TimeSpan ToDuration(object value) => value switch
    {
        string s => GoDuration.Parse(s),
        _ => throw Expected("a duration string such as \"250ms\", \"60s\" or \"1m0s\""),
    };

    /// <summary>A string; bools and numbers as their text.</summary>
    public static string ToText(object value) => value switch
    {
        string s => s,
        bool b => b ? "true" : "false", // tls_required = true
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        _ => throw Expected("a string"),
    };

    /// <summary>An array of strings, or one string holding a comma-separated list.</summary>
    public static List<string> ToStringList(object value) => value switch
    {
        string s => [.. SplitList(s)],
        IEnumerable<object?> items => [.. items.Select(item => item as string ?? throw Expected("an array of strings"))],
        _ => throw Expected("an array of strings"),
    };

    /// <summary>An array of numbers, one number, or a string holding a comma-separated list.</summary>
    public static List<double> ToFloatList(object value) => value switch
    {
        string s => [.. SplitList(s).Select(GoFlagValue.ParseFloat)],
        double or long => [ToDouble(value)],
        IEnumerable<object?> items => [.. items.Select(item => item is null ? throw Expected("an array of numbers") : ToDouble(item))],
        _ => throw Expected("an array of numbers"),
    };

    private static double ToDouble(object value) => value switch
    {
        double d when double.IsFinite(d) => d,
        long l => l,
        string s => GoFlagValue.ParseFloat(s),
        _ => throw Expected("a number"),
    };

    private static IEnumerable<string> SplitList(string s) =>
        s.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    private static FormatException Expected(string what) => new($"expected {what}");
}
