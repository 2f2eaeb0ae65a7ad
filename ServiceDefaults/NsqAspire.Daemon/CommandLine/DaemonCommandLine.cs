using System.Collections.Frozen;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace NsqAspire.Daemon.CommandLine;

/// <summary>Binds a daemon's configuration section (appsettings, environment) onto its options, under the config file
/// and the flags. <paramref name="applyFlag"/> applies a value as a flag would (so <c>--log-level</c> is tracked);
/// throw <see cref="FormatException"/> or <see cref="ArgumentException"/> naming the key for a bad value.</summary>
public delegate void DaemonSettingsBinder<TOptions>(IConfiguration configuration, TOptions options,
    Action<DaemonFlag<TOptions>, object> applyFlag);

/// <summary>
/// One daemon's command line: its flag table over the machinery every daemon shares, accepting exactly what the Go
/// daemons accept: <c>-name=value</c>, <c>--name=value</c>, <c>--name value</c> (not for bools), bare bools
/// (<c>--snappy</c>, <c>--deflate=false</c>), repeatable list flags and Go durations. Precedence, lowest first: the
/// daemon's defaults, its configuration section (appsettings, environment), the <c>--config</c> TOML file, the command
/// line. A hand-written parser because Go's rules (single-dash long names, bools that never take a separate value)
/// are not what general-purpose .NET parsers do. Each daemon declares only its flags, settings binding and validation.
/// </summary>
public sealed class DaemonCommandLine<TOptions>
    where TOptions : class
{
    /// <summary>Go's flag package exits 2 on an unknown flag or bad syntax; scripts rely on it.</summary>
    public const int UsageErrorExitCode = 2;

    /// <summary>A flag that was understood but whose value (or resulting configuration) is unacceptable.</summary>
    public const int InvalidValueExitCode = 1;

    private const string LogLevelFlag = "log-level";

    private readonly Func<TOptions> _createOptions;
    private readonly DaemonSettingsBinder<TOptions>? _bindSettings;
    private readonly Action<TOptions> _validate;
    private readonly string _boolFlagExample;
    private readonly string _invocation;

    /// <param name="daemon">The Go daemon's name (<c>nsqd</c>), used in the version line, usage and errors.</param>
    /// <param name="version">The NSQ version this daemon speaks for (<c>1.3.0</c>).</param>
    /// <param name="flags">Every flag; must include <c>config</c> and <c>version</c>
    /// (<see cref="ConfigFlag"/>, <see cref="VersionFlag"/>).</param>
    /// <param name="createOptions">The daemon's defaults.</param>
    /// <param name="validate">The daemon's startup checks; throw <see cref="ArgumentException"/> with the message to print.</param>
    /// <param name="bindSettings">Reads the configuration section under the config file and the flags; null for none.</param>
    /// <param name="boolFlagExample">A bool flag the syntax hints show (<c>snappy</c> for nsqd).</param>
    /// <param name="invocation">How a user runs it, for the hints (<c>nsq nsq_tail</c>); the daemon's name by default.</param>
    /// <param name="takesHostArguments">Whether arguments after <c>--</c> go to an ASP.NET Core host (the daemons);
    /// the usage says so only then.</param>
    public DaemonCommandLine(string daemon, string version, IReadOnlyList<DaemonFlag<TOptions>> flags, Func<TOptions> createOptions,
        Action<TOptions> validate, DaemonSettingsBinder<TOptions>? bindSettings, string boolFlagExample = "verbose",
        string? invocation = null, bool takesHostArguments = true)
    {
        ArgumentNullException.ThrowIfNull(flags);
        Daemon = daemon;
        Flags = flags;
        ByName = flags.ToFrozenDictionary(f => f.Name, StringComparer.Ordinal);
        ByConfigName = flags.Where(f => f.ConfigName is not null).ToFrozenDictionary(f => f.ConfigName!, StringComparer.Ordinal);
        if (!ByName.ContainsKey("config") || !ByName.ContainsKey("version"))
            throw new ArgumentException("every daemon has --config and --version", nameof(flags));
        _createOptions = createOptions;
        _validate = validate;
        _bindSettings = bindSettings;
        _boolFlagExample = boolFlagExample;
        _invocation = invocation ?? daemon;
        VersionLine = $"{daemon} v{version} (built w/dotnet)";
        Usage = DaemonUsage.Build(_invocation, flags, boolFlagExample, takesHostArguments);
    }

    /// <summary>The Go daemon's name.</summary>
    public string Daemon { get; }

    /// <summary>What <c>--version</c> prints.</summary>
    public string VersionLine { get; }

    /// <summary>What <c>--help</c> prints.</summary>
    public string Usage { get; }

    /// <summary>The flag table, in declaration order.</summary>
    public IReadOnlyList<DaemonFlag<TOptions>> Flags { get; }

    /// <summary>Flags by name (no dashes).</summary>
    public FrozenDictionary<string, DaemonFlag<TOptions>> ByName { get; }

    /// <summary>Flags by TOML config key.</summary>
    public FrozenDictionary<string, DaemonFlag<TOptions>> ByConfigName { get; }

    /// <summary><c>--config</c>: the TOML file; steers parsing and sets no option.</summary>
    public static DaemonFlag<TOptions> ConfigFlag() =>
        DaemonFlag<TOptions>.String("config", null, "path to a TOML config file (keys are flag names with - turned into _)",
            static (_, _) => { }, commandLineOnly: true);

    /// <summary><c>--version</c>: print the version line and exit.</summary>
    public static DaemonFlag<TOptions> VersionFlag() =>
        DaemonFlag<TOptions>.Bool("version", false, "print version string and exit", static (_, _) => { }, commandLineOnly: true);

    /// <summary><c>--log-level</c>; the result's <see cref="DaemonCommandLineResult{TOptions}.LogLevel"/> follows it.</summary>
    public static DaemonFlag<TOptions> LogLevelFlagOf(Action<TOptions, string>? apply = null) =>
        DaemonFlag<TOptions>.String(LogLevelFlag, "info", "log level: debug, info, warn, error or fatal", apply ?? (static (_, _) => { }),
            DaemonLogLevel.Normalize);

    /// <summary>
    /// Reads <paramref name="args"/> (and the file named by <c>--config</c>, through <paramref name="readConfigFile"/>,
    /// <see cref="File.ReadAllText(string)"/> by default) over <paramref name="configuration"/>.
    /// Prints nothing and never exits: the result says what to do.
    /// </summary>
    public DaemonCommandLineResult<TOptions> Parse(IReadOnlyList<string> args, IConfiguration configuration, Func<string, string>? readConfigFile = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(configuration);

        var given = new Dictionary<DaemonFlag<TOptions>, object>();
        var failure = ReadFlags(args, given, out var hostArguments);
        if (failure is not null) return failure;

        // The Go daemons print the version before looking at any configuration.
        if (given.TryGetValue(ByName["version"], out var version) && (bool)version)
            return DaemonCommandLineResult<TOptions>.ShowVersion(VersionLine);

        var warnings = new List<string>();
        var options = _createOptions();
        var logLevel = "info";
        void Apply(DaemonFlag<TOptions> flag, object value)
        {
            flag.Apply(options, value);
            if (flag.Name == LogLevelFlag) logLevel = (string)value;
        }

        try
        {
            _bindSettings?.Invoke(configuration, options, Apply);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            return DaemonCommandLineResult<TOptions>.Fail(InvalidValueExitCode, ex.Message);
        }

        var fromFile = new Dictionary<DaemonFlag<TOptions>, object>();
        if (given.TryGetValue(ByName["config"], out var configPath) && configPath is string { Length: > 0 } path)
        {
            string toml;
            try
            {
                toml = (readConfigFile ?? File.ReadAllText)(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                return DaemonCommandLineResult<TOptions>.Fail(InvalidValueExitCode, $"failed to load config file {path}: {ex.Message}");
            }
            try
            {
                fromFile = DaemonConfigFile.Parse(toml, ByConfigName, warnings);
            }
            catch (FormatException ex)
            {
                return DaemonCommandLineResult<TOptions>.Fail(InvalidValueExitCode, $"config file {path}: {ex.Message}", warnings);
            }
        }

        // The file only fills in what the command line left alone; a list flag given on the command line replaces
        // the file's list rather than adding to it, as in the Go daemons.
        foreach (var (flag, value) in fromFile)
        {
            if (given.ContainsKey(flag)) continue;
            Apply(flag, value);
            WarnIfIgnored(flag, warnings);
        }
        foreach (var (flag, value) in given)
        {
            Apply(flag, value);
            WarnIfIgnored(flag, warnings);
        }

        try
        {
            _validate(options);
        }
        catch (ArgumentException ex)
        {
            return DaemonCommandLineResult<TOptions>.Fail(InvalidValueExitCode, ex.Message, warnings);
        }
        return DaemonCommandLineResult<TOptions>.Run(options, DaemonLogLevel.ToLogLevel(logLevel), warnings, hostArguments);
    }

    /// <summary>Go's <c>flag.FlagSet.Parse</c> rules; returns a failure or help result, or null when all is read.</summary>
    private DaemonCommandLineResult<TOptions>? ReadFlags(IReadOnlyList<string> args, Dictionary<DaemonFlag<TOptions>, object> given,
        out string[] hostArguments)
    {
        hostArguments = [];
        var i = 0;
        while (i < args.Count)
        {
            var arg = args[i];
            if (arg == "--")
            {
                hostArguments = [.. args.Skip(i + 1)];
                return null;
            }
            if (arg.Length < 2 || arg[0] != '-')
            {
                // Go would silently stop reading flags here, dropping everything after: a classic trap with
                // "--snappy false". Refuse instead.
                return UsageError($"unexpected argument \"{arg}\": {_invocation} takes no positional arguments " +
                    $"(give bool flags a value with =, e.g. --{_boolFlagExample}=false)");
            }

            var dashes = arg[1] == '-' ? 2 : 1;
            var name = arg[dashes..];
            if (name.Length == 0 || name[0] is '-' or '=') return UsageError($"bad flag syntax: {arg}");
            i++;

            string? value = null;
            var equals = name.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                value = name[(equals + 1)..];
                name = name[..equals];
            }
            var shown = arg[..dashes] + name;

            if (!ByName.TryGetValue(name, out var flag))
            {
                return name is "h" or "help"
                    ? DaemonCommandLineResult<TOptions>.ShowHelp(Usage)
                    : UsageError($"flag provided but not defined: {shown}");
            }

            if (flag.IsBoolFlag)
            {
                value ??= "true";
            }
            else if (value is null)
            {
                // Go takes the next argument as the value whatever it looks like (--data-path -weird is a path).
                if (i >= args.Count) return UsageError($"flag needs an argument: {shown}");
                value = args[i++];
            }

            object parsed;
            try
            {
                parsed = flag.ParseArgument(value);
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException)
            {
                return DaemonCommandLineResult<TOptions>.Fail(InvalidValueExitCode, $"invalid value \"{value}\" for flag {shown}: {ex.Message}");
            }
            given[flag] = given.TryGetValue(flag, out var earlier) ? flag.Combine(earlier, parsed) : parsed;
        }
        return null;
    }

    private DaemonCommandLineResult<TOptions> UsageError(string message) =>
        DaemonCommandLineResult<TOptions>.Fail(UsageErrorExitCode, $"{message}\nRun '{_invocation} --help' for the list of flags.");

    private static void WarnIfIgnored(DaemonFlag<TOptions> flag, List<string> warnings)
    {
        if (flag.IgnoredNote is null) return;
        var warning = $"--{flag.Name} is {flag.IgnoredNote}; ignored";
        if (!warnings.Contains(warning)) warnings.Add(warning);
    }
}
