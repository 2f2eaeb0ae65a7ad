using NsqAspire.Daemon;
using System.Globalization;
using Admin.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NsqAspire.Daemon.CommandLine;

namespace Admin.Service.CommandLine;

/// <summary>
/// nsqadmin's command line (spec §7.2; Go flag rules: <c>-flag</c> or <c>--flag</c>, <c>=value</c> or the next argument,
/// bools without a value, list flags repeatable) over, in increasing priority: the <c>"Admin"</c> configuration section
/// (appsettings, <c>Admin__HttpAddress</c>), a <c>--config</c> TOML file (nsqadmin's snake_case keys), then the flags.
/// Graphite flags are accepted and ignored: rates come from polling /stats. Arguments after <c>--</c> go to the web host.
/// </summary>
internal static class AdminCommandLine
{
    private static readonly AdminFlag[] Flags =
    [
        new("http-address", "<addr>:<port> to listen on for HTTP clients (default \"0.0.0.0:4171\")"),
        new("lookupd-http-address", "lookupd HTTP address (may be given multiple times)", List: true, ConfigKey: "nsqlookupd_http_addresses"),
        new("nsqd-http-address", "nsqd HTTP address (may be given multiple times)", List: true, ConfigKey: "nsqd_http_addresses"),
        new("notification-http-endpoint", "HTTP endpoint (fully qualified) to which POST notifications of admin actions will be sent"),
        new("http-client-connect-timeout", "timeout for HTTP connect (default 2s)"),
        new("http-client-request-timeout", "timeout for HTTP request (default 5s)"),
        new("acl-http-header", "HTTP header to check for authenticated admin users (default \"X-Forwarded-User\")"),
        new("admin-user", "admin user (may be given multiple times; if specified, only these users may act)", List: true, ConfigKey: "admin_users"),
        new("rate-interval", "how often /stats is polled for the live rate charts (default 2s)"),
        new("base-path", "URL base path (only \"/\" is supported)"),
        new("log-level", "set log verbosity: debug, info, warn, error, or fatal (default \"info\")"),
        new("config", "path to config file"),
        new("graphite-url", "ignored: rates and charts come from polling /stats"),
        new("proxy-graphite", "ignored", Bool: true),
        new("statsd-prefix", "ignored"),
        new("statsd-counter-format", "ignored"),
        new("statsd-gauge-format", "ignored"),
        new("statsd-interval", "ignored"),
        new("verbose", "ignored (use --log-level)", Bool: true),
    ];

    public static string Usage { get; } = "Usage of nsqadmin:\n" + string.Join("\n", Flags.Select(f => $"  --{f.Name,-30} {f.Help}"))
        + "\n  --version                        print version string";

    public static DaemonCommandLineResult<AdminOptions> Parse(string[] args, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(configuration);
        switch (GoFlagArgs.Read(args, name => name == "version" ? true : Array.Find(Flags, f => f.Name == name)?.Bool,
                    out var flags, out var hostArgs, out var error))
        {
            case GoFlagArgsOutcome.Help: return new(DaemonAction.ShowHelp, null, LogLevel.Information, Usage, 0, []);
            case GoFlagArgsOutcome.Error: return Error(error.StartsWith("unexpected", StringComparison.Ordinal) ? error : $"{error}\n{Usage}", 2);
        }
        if (flags.Exists(f => f.Key == "version"))
            return new(DaemonAction.ShowVersion, null, LogLevel.Information, $"nsqadmin v{AdminOptions.Version} (NsqAspire)", 0, []);
        var given = flags.ConvertAll(f => (Flag: Array.Find(Flags, x => x.Name == f.Key)!, f.Value));

        var options = new AdminOptions();
        var logLevel = "info";
        try
        {
            ApplyConfiguration(configuration.GetSection("Admin"), options, ref logLevel);
            if (given.FindLast(g => g.Flag.Name == "config") is { Flag: not null } config) ApplyConfigFile(config.Value, options, ref logLevel);
            // A list flag given on the command line replaces the list from configuration, then accumulates.
            foreach (var list in given.Where(g => g.Flag.List).Select(g => g.Flag.Name).Distinct(StringComparer.Ordinal)) ListOf(list, options).Clear();
            foreach (var (flag, value) in given)
            {
                if (flag.Name != "config") Apply(flag.Name, value, options, ref logLevel);
            }
            options.Validate();
            return new(DaemonAction.Run, options, ParseLogLevel(logLevel), "", 0, hostArgs);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or IOException or Tomlyn.TomlException)
        {
            return Error(ex.Message, 1);
        }
    }

    private static DaemonCommandLineResult<AdminOptions> Error(string message, int code) => new(DaemonAction.Error, null, LogLevel.Information, message, code, []);

    /// <summary>The <c>Admin</c> section: <c>HttpAddress</c>, <c>LookupdHttpAddresses</c> (array or comma-separated), ...</summary>
    private static void ApplyConfiguration(IConfigurationSection section, AdminOptions options, ref string logLevel)
    {
        foreach (var flag in Flags)
        {
            var key = string.Concat(flag.Name.Split('-').Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
            if (flag.List) key += key.EndsWith("Address", StringComparison.Ordinal) ? "es" : "s";
            var child = section.GetSection(key);
            var values = child.Value is { } v ? v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                : child.GetChildren().Select(c => c.Value ?? "").Where(s => s.Length > 0).ToArray();
            foreach (var value in values) Apply(flag.Name, value, options, ref logLevel);
        }
    }

    /// <summary>nsqadmin's TOML config file: the flag names with underscores, lists under their plural names.</summary>
    private static void ApplyConfigFile(string path, AdminOptions options, ref string logLevel)
    {
        var model = Tomlyn.TomlSerializer.Deserialize<Tomlyn.Model.TomlTable>(File.ReadAllText(path)) ?? [];
        foreach (var (key, value) in model)
        {
            var flag = Array.Find(Flags, f => f.ConfigKey == key || f.Name.Replace('-', '_') == key);
            if (flag is null || flag.Name == "config") continue; // nsqadmin ignores keys it does not know
            IEnumerable<object> values = value is Tomlyn.Model.TomlArray array ? array.Cast<object>() : [value];
            if (flag.List) ListOf(flag.Name, options).Clear();
            foreach (var v in values) Apply(flag.Name, Convert.ToString(v, CultureInfo.InvariantCulture) ?? "", options, ref logLevel);
        }
    }

    private static List<string> ListOf(string flag, AdminOptions options) => flag switch
    {
        "lookupd-http-address" => options.LookupdHttpAddresses,
        "nsqd-http-address" => options.NsqdHttpAddresses,
        _ => options.AdminUsers,
    };

    private static void Apply(string flag, string value, AdminOptions options, ref string logLevel)
    {
        switch (flag)
        {
            case "http-address": options.HttpAddress = value; break;
            case "lookupd-http-address" or "nsqd-http-address":
                _ = AdminOptions.UpstreamUri(value);
                ListOf(flag, options).Add(value);
                break;
            case "admin-user": options.AdminUsers.Add(value); break;
            case "notification-http-endpoint": options.NotificationHttpEndpoint = value; break;
            case "http-client-connect-timeout": options.HttpClientConnectTimeout = Duration(flag, value); break;
            case "http-client-request-timeout": options.HttpClientRequestTimeout = Duration(flag, value); break;
            case "acl-http-header": options.AclHttpHeader = value; break;
            case "rate-interval": options.RateInterval = Duration(flag, value); break;
            case "base-path":
                if (value.Trim('/').Length > 0) throw new ArgumentException($"--base-path {value}: only \"/\" is supported");
                break;
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

/// <summary>One nsqadmin flag: its name, help line, whether it repeats (a list) or takes no value (a bool), and its
/// config-file key when that is not the name with underscores.</summary>
internal sealed record AdminFlag(string Name, string Help, bool List = false, bool Bool = false, string? ConfigKey = null);
