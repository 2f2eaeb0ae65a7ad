using Tomlyn;
using Tomlyn.Model;

namespace NsqAspire.Daemon.CommandLine;

/// <summary>
/// Reads a daemon's TOML config file (<c>--config</c>) into flag values. Keys are the flags' config names
/// (<c>mem_queue_size</c>, <c>nsqlookupd_tcp_addresses</c>, ...). Like the Go daemons, unknown keys do not stop the
/// daemon; unlike them, they are reported as warnings so a typo does not go unnoticed. A bad value is an error.
/// </summary>
public static class DaemonConfigFile
{
    /// <summary>Parses <paramref name="toml"/>; throws <see cref="FormatException"/> naming the offending key.</summary>
    public static Dictionary<DaemonFlag<TOptions>, object> Parse<TOptions>(string toml,
        IReadOnlyDictionary<string, DaemonFlag<TOptions>> flagsByConfigName, List<string> warnings)
    {
        ArgumentNullException.ThrowIfNull(flagsByConfigName);
        ArgumentNullException.ThrowIfNull(warnings);
        TomlTable table;
        try
        {
            table = TomlSerializer.Deserialize<TomlTable>(toml) ?? [];
        }
        catch (TomlException ex)
        {
            throw new FormatException($"invalid TOML: {ex.Message}", ex);
        }

        var values = new Dictionary<DaemonFlag<TOptions>, object>();
        foreach (var (key, value) in table)
        {
            if (!flagsByConfigName.TryGetValue(key, out var flag))
            {
                warnings.Add($"config file: unknown option \"{key}\" ignored");
                continue;
            }
            if (value is null) continue;
            try
            {
                values[flag] = flag.ParseConfigValue(value);
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException)
            {
                throw new FormatException($"invalid value for \"{key}\": {ex.Message}", ex);
            }
        }
        return values;
    }
}
