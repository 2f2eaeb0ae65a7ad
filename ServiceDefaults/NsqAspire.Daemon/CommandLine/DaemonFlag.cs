using System.Globalization;

namespace NsqAspire.Daemon.CommandLine;

/// <summary>
/// One flag of a daemon: its Go flag name, its TOML config name, how to read its value from the command line and from
/// the config file, and what it sets on the daemon's <typeparamref name="TOptions"/>. Flags the Go daemon has but this
/// one does not model are still accepted (a real command line must never fail here just because a feature is
/// missing); they carry a note that the usage shows and that becomes a warning when they are used.
/// </summary>
public sealed class DaemonFlag<TOptions>
{
    private readonly Func<string, object> _parseArgument;
    private readonly Func<object, object> _parseConfigValue;
    private readonly Func<object, object, object> _combine;
    private readonly Action<TOptions, object>? _apply;

    private DaemonFlag(string name, string? configName, string valueType, string usage, string? defaultText, bool isBoolFlag,
        bool isRepeatable, string? ignoredNote, Func<string, object> parseArgument, Func<object, object> parseConfigValue,
        Func<object, object, object> combine, Action<TOptions, object>? apply)
    {
        if (apply is null && ignoredNote is null)
            throw new ArgumentException($"flag {name} sets nothing and says nothing about why", nameof(apply));
        Name = name;
        ConfigName = configName;
        ValueType = valueType;
        Usage = usage;
        DefaultText = defaultText;
        IsBoolFlag = isBoolFlag;
        IsRepeatable = isRepeatable;
        IgnoredNote = apply is null ? ignoredNote : null;
        _parseArgument = parseArgument;
        _parseConfigValue = parseConfigValue;
        _combine = combine;
        _apply = apply;
    }

    /// <summary>Flag name without dashes, e.g. <c>mem-queue-size</c>.</summary>
    public string Name { get; }

    /// <summary>Key in the TOML config file, or null when the file cannot set it (<c>config</c>, <c>version</c>).</summary>
    public string? ConfigName { get; }

    /// <summary>Placeholder shown in the usage text (<c>int</c>, <c>duration</c>, ...).</summary>
    public string ValueType { get; }

    /// <summary>What the flag does, for the usage text.</summary>
    public string Usage { get; }

    /// <summary>Default shown in the usage text; null shows none.</summary>
    public string? DefaultText { get; }

    /// <summary>May be given bare (<c>--snappy</c>); a value then needs <c>=</c> (<c>--snappy=false</c>), as in Go.</summary>
    public bool IsBoolFlag { get; }

    /// <summary>Each occurrence adds to the list instead of replacing the value.</summary>
    public bool IsRepeatable { get; }

    /// <summary>Why using this flag changes nothing (deprecated, or not implemented here); null if it works.</summary>
    public string? IgnoredNote { get; }

    /// <summary>Reads a command-line value; throws <see cref="FormatException"/> saying what was expected.</summary>
    public object ParseArgument(string text) => _parseArgument(text);

    /// <summary>Reads a TOML value (string, long, double, bool or array); throws <see cref="FormatException"/>.</summary>
    public object ParseConfigValue(object value) => _parseConfigValue(value);

    /// <summary>Merges a later occurrence into an earlier one: appends for lists, replaces otherwise (Go's last wins).</summary>
    public object Combine(object earlier, object later) => _combine(earlier, later);

    /// <summary>Sets the parsed <paramref name="value"/> on <paramref name="options"/> (nothing for ignored flags).</summary>
    public void Apply(TOptions options, object value) => _apply?.Invoke(options, value);

    /// <summary>A bool flag: bare means true.</summary>
    public static DaemonFlag<TOptions> Bool(string name, bool defaultValue, string usage, Action<TOptions, bool>? apply,
        string? ignoredNote = null, bool commandLineOnly = false) =>
        Create(name, commandLineOnly ? null : ConfigNameOf(name), "", usage, defaultValue ? "true" : "false", isBoolFlag: true, ignoredNote,
            GoFlagValue.ParseBool, ConfigFileValue.ToBool, apply);

    /// <summary>A 32-bit integer flag (Go integer syntax).</summary>
    public static DaemonFlag<TOptions> Int(string name, long? defaultValue, string usage, Action<TOptions, int>? apply,
        string? configName = null, string? ignoredNote = null) =>
        Create(name, configName ?? ConfigNameOf(name), "int", usage, Invariant(defaultValue), isBoolFlag: false, ignoredNote,
            GoFlagValue.ParseInt32, ConfigFileValue.ToInt32, apply);

    /// <summary>A 64-bit integer flag (Go integer syntax).</summary>
    public static DaemonFlag<TOptions> Int64(string name, long defaultValue, string usage, Action<TOptions, long>? apply,
        string? configName = null) =>
        Create(name, configName ?? ConfigNameOf(name), "int", usage, Invariant(defaultValue), isBoolFlag: false, null,
            GoFlagValue.ParseInt64, ConfigFileValue.ToInt64, apply);

    /// <summary>A Go duration flag (<c>250ms</c>, <c>1m30s</c>).</summary>
    public static DaemonFlag<TOptions> Duration(string name, string defaultValue, string usage, Action<TOptions, TimeSpan>? apply,
        string? ignoredNote = null) =>
        Create(name, ConfigNameOf(name), "duration", usage, defaultValue, isBoolFlag: false, ignoredNote,
            GoDuration.Parse, ConfigFileValue.ToDuration, apply);

    /// <summary>A string flag; <paramref name="normalize"/> validates and canonicalizes (throws <see cref="FormatException"/>).</summary>
    public static DaemonFlag<TOptions> String(string name, string? defaultValue, string usage, Action<TOptions, string>? apply,
        Func<string, string>? normalize = null, string? ignoredNote = null, bool isBoolFlag = false, bool commandLineOnly = false)
    {
        var check = normalize ?? (static s => s);
        return Create(name, commandLineOnly ? null : ConfigNameOf(name), isBoolFlag ? "" : "string", usage, defaultValue, isBoolFlag, ignoredNote,
            check, value => check(ConfigFileValue.ToText(value)), apply);
    }

    /// <summary>A repeatable string flag; <paramref name="check"/> validates each item (throws <see cref="FormatException"/>).</summary>
    public static DaemonFlag<TOptions> StringList(string name, string configName, string usage, Action<TOptions, List<string>>? apply,
        string? ignoredNote = null, Action<string>? check = null) =>
        CreateList(name, configName, "value", usage, ignoredNote,
            s =>
            {
                check?.Invoke(s);
                return [s];
            },
            value =>
            {
                var items = ConfigFileValue.ToStringList(value);
                if (check is not null) items.ForEach(check);
                return items;
            }, apply);

    /// <summary>Each occurrence may itself be a comma list (<c>--e2e-processing-latency-percentile=0.99,0.95</c>).</summary>
    public static DaemonFlag<TOptions> FloatList(string name, string configName, string usage, Action<TOptions, List<double>>? apply) =>
        CreateList(name, configName, "value", usage, null,
            static s => [.. s.Split(',').Select(part => GoFlagValue.ParseFloat(part.Trim()))],
            ConfigFileValue.ToFloatList, apply);

    private static DaemonFlag<TOptions> Create<T>(string name, string? configName, string valueType, string usage, string? defaultText,
        bool isBoolFlag, string? ignoredNote, Func<string, T> parseArgument, Func<object, T> parseConfigValue,
        Action<TOptions, T>? apply) where T : notnull =>
        new(name, configName, valueType, usage, defaultText, isBoolFlag, isRepeatable: false, ignoredNote,
            text => parseArgument(text), value => parseConfigValue(value), static (_, later) => later,
            apply is null ? null : (options, value) => apply(options, (T)value));

    private static DaemonFlag<TOptions> CreateList<T>(string name, string configName, string valueType, string usage, string? ignoredNote,
        Func<string, List<T>> parseArgument, Func<object, List<T>> parseConfigValue, Action<TOptions, List<T>>? apply) =>
        new(name, configName, valueType, usage, defaultText: null, isBoolFlag: false, isRepeatable: true, ignoredNote,
            text => parseArgument(text), value => parseConfigValue(value),
            static (earlier, later) => (object)new List<T>([.. (List<T>)earlier, .. (List<T>)later]),
            // A fresh list each time: the options object never shares a list with the parser.
            apply is null ? null : (options, value) => apply(options, [.. (List<T>)value]));

    /// <summary>The Go daemons' default rule: the config name is the flag name with dashes turned into underscores.</summary>
    public static string ConfigNameOf(string flagName) => flagName.Replace('-', '_');

    private static string? Invariant(long? value) => value?.ToString(CultureInfo.InvariantCulture);
}
