using Tomlyn;
using Tomlyn.Model;

namespace Nsqd.Service.CommandLine;

/// <summary>
/// Reads an nsqd TOML config file (<c>--config</c>) into flag values. Keys are config names (<c>mem_queue_size</c>,
/// <c>id</c>, <c>nsqlookupd_tcp_addresses</c>, ...). Like nsqd, unknown keys do not stop the broker; unlike nsqd,
/// they are reported as warnings so a typo does not go unnoticed. A bad value is an error.
/// </summary>
internal static class NsqdConfigFile
{
    /// <summary>Parses <paramref name="toml"/>; throws <see cref="FormatException"/> naming the offending key.</summary>
    public static Dictionary<NsqdFlag, object> Parse(string toml, List<string> warnings)
    {
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

        var values = new Dictionary<NsqdFlag, object>();
        foreach (var (key, value) in table)
        {
            if (!NsqdFlags.ByConfigName.TryGetValue(key, out var flag))
            {
                warnings.Add($"config file: unknown option \"{key}\" ignored");
                continue;
            }
            if (value is null) continue;
            try
            {
                values[flag] = flag.ParseConfigValue(value);
            }
            catch (FormatException ex)
            {
                throw new FormatException($"invalid value for \"{key}\": {ex.Message}", ex);
            }
        }
        return values;
    }
}
