using Microsoft.Extensions.Configuration;
using NsqAspire.Daemon.CommandLine;

namespace Nsqd.Core.CommandLine;

/// <summary>
/// nsqd's command line: <see cref="NsqdFlags"/> over the shared daemon machinery, accepting exactly what the Go nsqd
/// accepts. Precedence, lowest first: nsqd's defaults, the <c>Nsqd</c> configuration section (appsettings,
/// environment; <see cref="NsqdAppSettings"/>), the <c>--config</c> TOML file, the command line.
/// </summary>
public static class NsqdCommandLine
{
    /// <summary>Go's flag package exits 2 on an unknown flag or bad syntax; scripts rely on it.</summary>
    public const int UsageErrorExitCode = DaemonCommandLine<NsqdOptions>.UsageErrorExitCode;

    /// <summary>A flag that was understood but whose value (or resulting configuration) is unacceptable.</summary>
    public const int InvalidValueExitCode = DaemonCommandLine<NsqdOptions>.InvalidValueExitCode;

    /// <summary>nsqd's flag table, settings binding and validation.</summary>
    public static DaemonCommandLine<NsqdOptions> Definition { get; } = new("nsqd", NsqdOptions.Version, NsqdFlags.All,
        static () => new NsqdOptions(), static options => options.Validate(),
        static (configuration, options, _) => NsqdAppSettings.Bind(configuration, options), boolFlagExample: "snappy");

    /// <summary>
    /// Reads <paramref name="args"/> (and the file named by <c>--config</c>, through <paramref name="readConfigFile"/>,
    /// <see cref="File.ReadAllText(string)"/> by default) over the <c>Nsqd</c> section of <paramref name="configuration"/>.
    /// Prints nothing and never exits: the result says what to do.
    /// </summary>
    public static DaemonCommandLineResult<NsqdOptions> Parse(string[] args, IConfiguration configuration, Func<string, string>? readConfigFile = null)
        => Definition.Parse(args, configuration, readConfigFile);
}
