using NsqAspire.Daemon;
using System.Globalization;
using Lookup.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NsqAspire.Daemon.CommandLine;

namespace Lookup.Service.CommandLine;

/// <summary>
/// nsqlookupd's command line (Go flag rules: <c>-flag</c> or <c>--flag</c>, <c>=value</c> or the next argument) over,
/// in increasing priority: the <c>"Lookup"</c> configuration section (appsettings, <c>Lookup__TcpAddress</c>), Aspire's
/// <c>ConnectionStrings:redis</c>, a <c>--config</c> TOML file (nsqlookupd's snake_case keys), then the flags.
/// Arguments after <c>--</c> go to the web host.
/// </summary>
internal static class LookupCommandLine
{
    private static readonly string[] Flags =
        ["tcp-address", "http-address", "broadcast-address", "inactive-producer-timeout", "tombstone-lifetime", "redis", "grpc-address", "log-level", "config"];

    public const string Usage = """
        Usage of nsqlookupd:
          --broadcast-address string          address of this lookupd node, (default to the OS hostname)
          --config string                     path to config file
          --grpc-address string               <addr>:<port> to listen on for gRPC (h2c); empty = off
          --http-address string               <addr>:<port> to listen on for HTTP clients (default "0.0.0.0:4161")
          --inactive-producer-timeout duration duration of time a producer will remain in the active list since its last ping (default 5m0s)
          --log-level string                  set log verbosity: debug, info, warn, error, or fatal (default "info")
          --redis string                      Redis connection string for a shared registration store; empty = in memory
          --tcp-address string                <addr>:<port> to listen on for TCP clients (default "0.0.0.0:4160")
          --tombstone-lifetime duration       duration of time a producer will remain tombstoned if registration remains (default 45s)
          --version                           print version string
        """;

    public static DaemonCommandLineResult<LookupOptions> Parse(string[] args, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(configuration);
        switch (GoFlagArgs.Read(args, name => name == "version" ? true : Flags.Contains(name) ? false : null,
                    out var flags, out var hostArgs, out var error))
        {
            case GoFlagArgsOutcome.Help: return new(DaemonAction.ShowHelp, null, LogLevel.Information, Usage, 0, []);
            case GoFlagArgsOutcome.Error: return Error(error.StartsWith("unexpected", StringComparison.Ordinal) ? error : $"{error}\n{Usage}", 2);
        }
        if (flags.Exists(f => f.Key == "version"))
            return new(DaemonAction.ShowVersion, null, LogLevel.Information, $"nsqlookupd v{LookupOptions.Version} (NsqAspire)", 0, []);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in flags) values[name] = value;

        var options = new LookupOptions();
        var logLevel = "info";
        try
        {
            ApplyConfiguration(configuration, options, ref logLevel);
            if (values.TryGetValue("config", out var path)) ApplyConfigFile(path, options, ref logLevel);
            foreach (var (name, value) in values)
            {
                if (name != "config") Apply(name, value, options, ref logLevel);
            }
            options.Validate();
            return new(DaemonAction.Run, options, ParseLogLevel(logLevel), "", 0, hostArgs);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or IOException or Tomlyn.TomlException)
        {
            return Error(ex.Message, 1);
        }
    }

    private static DaemonCommandLineResult<LookupOptions> Error(string message, int code) => new(DaemonAction.Error, null, LogLevel.Information, message, code, []);

    private static void ApplyConfiguration(IConfiguration configuration, LookupOptions options, ref string logLevel)
    {
        if (configuration.GetConnectionString("redis") is { Length: > 0 } redis) options.Redis = redis;
        var section = configuration.GetSection("Lookup");
        foreach (var (key, flag) in new[]
        {
            ("TcpAddress", "tcp-address"), ("HttpAddress", "http-address"), ("BroadcastAddress", "broadcast-address"),
            ("InactiveProducerTimeout", "inactive-producer-timeout"), ("TombstoneLifetime", "tombstone-lifetime"),
            ("Redis", "redis"), ("GrpcAddress", "grpc-address"), ("LogLevel", "log-level"),
        })
        {
            if (section[key] is { } value) Apply(flag, value, options, ref logLevel);
        }
    }

    /// <summary>nsqlookupd's TOML config file: the flag names with underscores (<c>tcp_address = "0.0.0.0:4160"</c>).</summary>
    private static void ApplyConfigFile(string path, LookupOptions options, ref string logLevel)
    {
        var model = Tomlyn.TomlSerializer.Deserialize<Tomlyn.Model.TomlTable>(File.ReadAllText(path)) ?? [];
        foreach (var (key, value) in model)
        {
            var flag = key.Replace('_', '-');
            if (!Flags.Contains(flag) || flag == "config") continue; // nsqlookupd ignores keys it does not know
            Apply(flag, Convert.ToString(value, CultureInfo.InvariantCulture) ?? "", options, ref logLevel);
        }
    }

    private static void Apply(string flag, string value, LookupOptions options, ref string logLevel)
    {
        switch (flag)
        {
            case "tcp-address": options.TcpAddress = value; break;
            case "http-address": options.HttpAddress = value; break;
            case "broadcast-address": options.BroadcastAddress = value; break;
            case "inactive-producer-timeout": options.InactiveProducerTimeout = Duration(flag, value); break;
            case "tombstone-lifetime": options.TombstoneLifetime = Duration(flag, value); break;
            case "redis": options.Redis = value; break;
            case "grpc-address": options.GrpcAddress = value; break;
            case "log-level":
                _ = ParseLogLevel(value);
                logLevel = value;
                break;
        }
    }

    private static TimeSpan Duration(string flag, string value)
        => GoDuration.TryParse(value, out var d) ? d : throw new FormatException($"invalid value \"{value}\" for flag -{flag}: parse error");

    public static LogLevel ParseLogLevel(string value) => value.ToUpperInvariant() switch
    {
        "DEBUG" => LogLevel.Debug,
        "INFO" => LogLevel.Information,
        "WARN" => LogLevel.Warning,
        "ERROR" => LogLevel.Error,
        "FATAL" => LogLevel.Critical,
        _ => throw new ArgumentException($"invalid log-level {value}"),
    };
}
