using Microsoft.Extensions.Configuration;
using Nsqd.Core;

namespace Nsqd.Service.CommandLine;

/// <summary>
/// Turns nsqd's command line into <see cref="NsqdOptions"/>, accepting exactly what the Go nsqd accepts:
/// <c>-name=value</c>, <c>--name=value</c>, <c>--name value</c> (not for bools), bare bools (<c>--snappy</c>,
/// <c>--deflate=false</c>), repeatable list flags and Go durations. Precedence, lowest first: nsqd's defaults, the
/// <c>Nsqd</c> configuration section (appsettings, environment), the <c>--config</c> TOML file, the command line.
/// A hand-written parser because Go's rules (single-dash long names, bools that never take a separate value,
/// stopping at the first non-flag) are not what general-purpose .NET parsers do.
/// </summary>
internal static class NsqdCommandLine
{
    /// <summary>Go's flag package exits 2 on an unknown flag or bad syntax; scripts rely on it.</summary>
    public const int UsageErrorExitCode = 2;

    /// <summary>A flag that was understood but whose value (or resulting configuration) is unacceptable.</summary>
    public const int InvalidValueExitCode = 1;

    public static string VersionLine { get; } = $"nsqd v{NsqdOptions.Version} (built w/dotnet)";

    /// <summary>
    /// Reads <paramref name="args"/> (and the file named by <c>--config</c>, through <paramref name="readConfigFile"/>,
    /// <see cref="File.ReadAllText(string)"/> by default) over the <c>Nsqd</c> section of <paramref name="configuration"/>.
    /// Prints nothing and never exits: the result says what to do.
    /// </summary>
    public static NsqdCommandLineResult Parse(string[] args, IConfiguration configuration, Func<string, string>? readConfigFile = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(configuration);

        var given = new Dictionary<NsqdFlag, object>();
        var failure = ReadFlags(args, given, out var hostArguments);
        if (failure is not null) return failure;

        // nsqd prints the version before looking at any configuration.
        if (given.TryGetValue(NsqdFlags.ByName["version"], out var version) && (bool)version)
            return NsqdCommandLineResult.ShowVersion(VersionLine);

        var warnings = new List<string>();
        var options = new NsqdOptions();
        try
        {
            NsqdAppSettings.Bind(configuration, options);
        }
        catch (FormatException ex)
        {
            return NsqdCommandLineResult.Fail(InvalidValueExitCode, ex.Message);
        }

        var fromFile = new Dictionary<NsqdFlag, object>();
        if (given.TryGetValue(NsqdFlags.ByName["config"], out var configPath) && configPath is string { Length: > 0 } path)
        {
            string toml;
            try
            {
                toml = (readConfigFile ?? File.ReadAllText)(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                return NsqdCommandLineResult.Fail(InvalidValueExitCode, $"failed to load config file {path}: {ex.Message}");
            }
            try
            {
                fromFile = NsqdConfigFile.Parse(toml, warnings);
            }
            catch (FormatException ex)
            {
                return NsqdCommandLineResult.Fail(InvalidValueExitCode, $"config file {path}: {ex.Message}", warnings);
            }
        }

        // The file only fills in what the command line left alone; a list flag given on the command line replaces
        // the file's list rather than adding to it, as in nsqd.
        foreach (var (flag, value) in fromFile)
        {
            if (given.ContainsKey(flag)) continue;
            flag.Apply(options, value);
            WarnIfIgnored(flag, warnings);
        }
        foreach (var (flag, value) in given)
        {
            flag.Apply(options, value);
            WarnIfIgnored(flag, warnings);
        }

        try
        {
            options.Validate();
        }
        catch (ArgumentException ex)
        {
            return NsqdCommandLineResult.Fail(InvalidValueExitCode, ex.Message, warnings);
        }
        return NsqdCommandLineResult.Run(options, warnings, hostArguments);
    }

    /// <summary>Go's <c>flag.FlagSet.Parse</c> rules; returns a failure or help result, or null when all is read.</summary>
    private static NsqdCommandLineResult? ReadFlags(string[] args, Dictionary<NsqdFlag, object> given, out string[] hostArguments)
    {
        hostArguments = [];
        var i = 0;
        while (i < args.Length)
        {
            var arg = args[i];
            if (arg == "--")
            {
                hostArguments = args[(i + 1)..];
                return null;
            }
            if (arg.Length < 2 || arg[0] != '-')
            {
                // Go would silently stop reading flags here, dropping everything after: a classic trap with
                // "--snappy false". Refuse instead.
                return UsageError($"unexpected argument \"{arg}\": nsqd takes no positional arguments " +
                    "(give bool flags a value with =, e.g. --snappy=false)");
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

            if (!NsqdFlags.ByName.TryGetValue(name, out var flag))
            {
                return name is "h" or "help"
                    ? NsqdCommandLineResult.ShowHelp(NsqdUsage.Text)
                    : UsageError($"flag provided but not defined: {shown}");
            }

            if (flag.IsBoolFlag)
            {
                value ??= "true";
            }
            else if (value is null)
            {
                // Go takes the next argument as the value whatever it looks like (--data-path -weird is a path).
                if (i >= args.Length) return UsageError($"flag needs an argument: {shown}");
                value = args[i++];
            }

            object parsed;
            try
            {
                parsed = flag.ParseArgument(value);
            }
            catch (FormatException ex)
            {
                return NsqdCommandLineResult.Fail(InvalidValueExitCode, $"invalid value \"{value}\" for flag {shown}: {ex.Message}");
            }
            given[flag] = given.TryGetValue(flag, out var earlier) ? flag.Combine(earlier, parsed) : parsed;
        }
        return null;
    }

    private static NsqdCommandLineResult UsageError(string message) =>
        NsqdCommandLineResult.Fail(UsageErrorExitCode, $"{message}\nRun 'nsqd --help' for the list of flags.");

    private static void WarnIfIgnored(NsqdFlag flag, List<string> warnings)
    {
        if (flag.IgnoredNote is null) return;
        var warning = $"--{flag.Name} is {flag.IgnoredNote}; ignored";
        if (!warnings.Contains(warning)) warnings.Add(warning);
    }
}
