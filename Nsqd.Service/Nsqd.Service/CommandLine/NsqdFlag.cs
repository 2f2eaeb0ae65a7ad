using NsqAspire.Daemon.CommandLine;
using Nsqd.Core;

namespace Nsqd.Service.CommandLine;

/// <summary>
/// One nsqd flag: its Go flag name, its TOML config name, how to read its value from the command line and from the
/// config file, and which <see cref="NsqdOptions"/> property it sets. Flags nsqd has but this broker does not model
/// yet are still accepted (an nsqd command line must never fail here just because a feature is missing); they carry
/// a note that becomes a warning when they are used.
/// </summary>
internal sealed class NsqdFlag
{
    private readonly Func<string, object> _parseArgument;
    private readonly Func<object, object> _parseConfigValue;
    private readonly Func<object, object, object> _combine;
    private readonly Action<NsqdOptions, object>? _apply;

    private NsqdFlag(string name, string? configName, string valueType, string usage, string? defaultText, bool isBoolFlag,
        bool isRepeatable, string? ignoredNote, Func<string, object> parseArgument, Func<object, object> parseConfigValue,
        Func<object, object, object> combine, Action<NsqdOptions, object>? apply)
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

    public string Usage { get; }

    /// <summary>Default shown in the usage text; null shows none.</summary>
    public string? DefaultText { get; }

    /// <summary>May be given bare (<c>--snappy</c>); a value then needs <c>=</c> (<c>--snappy=false</c>), as in Go.</summary>
    public bool IsBoolFlag { get; }

    /// <summary>Each occurrence adds to the list instead of replacing the value.</summary>
    public bool IsRepeatable { get; }

    /// <summary>Why using this flag changes nothing (deprecated in nsqd, or not implemented here); null if it works.</summary>
    public string? IgnoredNote { get; }

    /// <summary>Reads a command-line value; throws <see cref="FormatException"/> saying what was expected.</summary>
    public object ParseArgument(string text) => _parseArgument(text);

    /// <summary>Reads a TOML value (string, long, double, bool or array); throws <see cref="FormatException"/>.</summary>
    public object ParseConfigValue(object value) => _parseConfigValue(value);

    /// <summary>Merges a later occurrence into an earlier one: appends for lists, replaces otherwise (Go's last wins).</summary>
    public object Combine(object earlier, object later) => _combine(earlier, later);

    public void Apply(NsqdOptions options, object value) => _apply?.Invoke(options, value);

    public static NsqdFlag Bool(string name, bool defaultValue, string usage, Action<NsqdOptions, bool>? apply,
        string? ignoredNote = null, bool commandLineOnly = false) =>
        Create(name, commandLineOnly ? null : ConfigNameOf(name), "", usage, defaultValue ? "true" : "false", isBoolFlag: true, ignoredNote,
            GoFlagValue.ParseBool, NsqdConfigValue.ToBool, apply);

    public static NsqdFlag Int(string name, long? defaultValue, string usage, Action<NsqdOptions, int>? apply,
        string? configName = null, string? ignoredNote = null) =>
        Create(name, configName ?? ConfigNameOf(name), "int", usage, Invariant(defaultValue), isBoolFlag: false, ignoredNote,
            GoFlagValue.ParseInt32, NsqdConfigValue.ToInt32, apply);

    public static NsqdFlag Int64(string name, long defaultValue, string usage, Action<NsqdOptions, long>? apply,
        string? configName = null) =>
        Create(name, configName ?? ConfigNameOf(name), "int", usage, Invariant(defaultValue), isBoolFlag: false, null,
            GoFlagValue.ParseInt64, NsqdConfigValue.ToInt64, apply);

    public static NsqdFlag Duration(string name, string defaultValue, string usage, Action<NsqdOptions, TimeSpan>? apply,
        string? ignoredNote = null) =>
        Create(name, ConfigNameOf(name), "duration", usage, defaultValue, isBoolFlag: false, ignoredNote,
            GoDuration.Parse, NsqdConfigValue.ToDuration, apply);

    /// <summary>A string flag; <paramref name="normalize"/> validates and canonicalizes (throws <see cref="FormatException"/>).</summary>
    public static NsqdFlag String(string name, string? defaultValue, string usage, Action<NsqdOptions, string>? apply,
        Func<string, string>? normalize = null, string? ignoredNote = null, bool isBoolFlag = false, bool commandLineOnly = false)
    {
        var check = normalize ?? (static s => s);
        return Create(name, commandLineOnly ? null : ConfigNameOf(name), isBoolFlag ? "" : "string", usage, defaultValue, isBoolFlag, ignoredNote,
            check, value => check(NsqdConfigValue.ToText(value)), apply);
    }

    public static NsqdFlag StringList(string name, string configName, string usage, Action<NsqdOptions, List<string>>? apply,
        string? ignoredNote = null) =>
        CreateList(name, configName, "value", usage, ignoredNote, static s => [s], NsqdConfigValue.ToStringList, apply);

    /// <summary>Each occurrence may itself be a comma list (<c>--e2e-processing-latency-percentile=0.99,0.95</c>).</summary>
    public static NsqdFlag FloatList(string name, string configName, string usage, Action<NsqdOptions, List<double>>? apply) =>
        CreateList(name, configName, "value", usage, null,
            static s => [.. s.Split(',').Select(part => GoFlagValue.ParseFloat(part.Trim()))],
            NsqdConfigValue.ToFloatList, apply);

    private static NsqdFlag Create<T>(string name, string? configName, string valueType, string usage, string? defaultText,
        bool isBoolFlag, string? ignoredNote, Func<string, T> parseArgument, Func<object, T> parseConfigValue,
        Action<NsqdOptions, T>? apply) where T : notnull =>
        new(name, configName, valueType, usage, defaultText, isBoolFlag, isRepeatable: false, ignoredNote,
            text => parseArgument(text), value => parseConfigValue(value), static (_, later) => later,
            apply is null ? null : (options, value) => apply(options, (T)value));

    private static NsqdFlag CreateList<T>(string name, string configName, string valueType, string usage, string? ignoredNote,
        Func<string, List<T>> parseArgument, Func<object, List<T>> parseConfigValue, Action<NsqdOptions, List<T>>? apply) =>
        new(name, configName, valueType, usage, defaultText: null, isBoolFlag: false, isRepeatable: true, ignoredNote,
            text => parseArgument(text), value => parseConfigValue(value),
            static (earlier, later) => (object)new List<T>([.. (List<T>)earlier, .. (List<T>)later]),
            // A fresh list each time: the options object never shares a list with the parser.
            apply is null ? null : (options, value) => apply(options, [.. (List<T>)value]));

    /// <summary>nsqd's default rule: the config name is the flag name with dashes turned into underscores.</summary>
    public static string ConfigNameOf(string flagName) => flagName.Replace('-', '_');

    private static string? Invariant(long? value) => value?.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
