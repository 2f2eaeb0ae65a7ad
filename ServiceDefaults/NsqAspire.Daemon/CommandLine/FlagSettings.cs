using Microsoft.Extensions.Configuration;

namespace NsqAspire.Daemon.CommandLine;

/// <summary>
/// A configuration section (appsettings, environment such as <c>Lookup__TcpAddress</c>) read through the flag table:
/// each flag's key is its name in PascalCase (<c>tcp-address</c> → <c>TcpAddress</c>), plural for list flags
/// (<c>LookupdHttpAddresses</c>, <c>AdminUsers</c>), and values are read with the flag's own command-line rules (Go
/// durations, Go bools). A list is an array or one comma-separated string; it replaces the default list.
/// </summary>
public static class FlagSettings
{
    /// <summary>Applies every key of <paramref name="section"/> that names a flag; throws <see cref="FormatException"/>
    /// naming the key for a bad value. Keys that name no flag are left alone.</summary>
    public static void Bind<TOptions>(IConfigurationSection section, IEnumerable<DaemonFlag<TOptions>> flags,
        Action<DaemonFlag<TOptions>, object> apply)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(flags);
        ArgumentNullException.ThrowIfNull(apply);
        foreach (var flag in flags.Where(f => f.ConfigName is not null))
        {
            var key = KeyOf(flag);
            var child = section.GetSection(key);
            if (flag.IsRepeatable)
            {
                var items = child.Value is { } text
                    ? text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    : [.. child.GetChildren().Select(c => c.Value ?? "").Where(s => s.Length > 0)];
                if (items.Length == 0) continue;
                var value = Parse(flag, child.Path, items[0]);
                foreach (var item in items.Skip(1)) value = flag.Combine(value, Parse(flag, child.Path, item));
                apply(flag, value);
            }
            else if (child.Value is { } text)
            {
                apply(flag, Parse(flag, child.Path, text));
            }
        }
    }

    /// <summary>The settings key of <paramref name="flag"/>.</summary>
    public static string KeyOf<TOptions>(DaemonFlag<TOptions> flag)
    {
        ArgumentNullException.ThrowIfNull(flag);
        var key = string.Concat(flag.Name.Split('-').Select(part => char.ToUpperInvariant(part[0]) + part[1..]));
        if (flag.IsRepeatable) key += key.EndsWith("Address", StringComparison.Ordinal) ? "es" : "s";
        return key;
    }

    private static object Parse<TOptions>(DaemonFlag<TOptions> flag, string path, string text)
    {
        try
        {
            return flag.ParseArgument(text);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            throw new FormatException($"{path}: invalid value \"{text}\": {ex.Message}", ex);
        }
    }
}
