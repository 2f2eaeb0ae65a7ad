using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using NsqAspire.Daemon.CommandLine;

namespace Nsqd.Core.CommandLine;

/// <summary>
/// Binds the <c>Nsqd</c> configuration section (appsettings.json, environment variables such as
/// <c>Nsqd__MemQueueSize=500</c>) onto <see cref="NsqdOptions"/>. Keys are the property names. Durations take either
/// .NET's <c>hh:mm:ss</c> or a Go duration (<c>90s</c>, <c>1m30s</c>) like the flags; a bare number is refused rather
/// than read as days, the way TimeSpan would. A string list takes indexed keys (<c>Nsqd__LookupdTcpAddresses__0</c>) or
/// one comma-separated value (<c>Nsqd__HttpAuthTokens=a,b</c>). Unknown keys are errors: a misspelt setting must not be silently lost.
/// </summary>
internal static class NsqdAppSettings
{
    public const string SectionName = "Nsqd";

    /// <summary>Binds the section if present; throws <see cref="FormatException"/> with the offending key.</summary>
    public static void Bind(IConfiguration configuration, NsqdOptions options)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(SectionName);
        if (!section.Exists()) return;

        // Rewritten values: Go durations as TimeSpan text, and a list given as one comma-separated string (one
        // environment variable, e.g. Nsqd__HttpAuthTokens=a,b) as indexed items, which is what the binder reads.
        var rewritten = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var replaced = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var child in section.GetChildren())
        {
            if (child.Value is not { } text) continue;
            var type = PropertyType(child.Key);
            if (type == typeof(List<string>))
            {
                replaced.Add(child.Key);
                var items = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                for (var i = 0; i < items.Length; i++) rewritten[$"{child.Key}:{i}"] = items[i];
                continue;
            }
            if (type != typeof(TimeSpan) || text.Contains(':', StringComparison.Ordinal)) continue;
            if (!GoDuration.TryParse(text.Trim(), out var duration))
                throw new FormatException($"{SectionName}:{child.Key}: invalid duration \"{text}\" (use a Go duration such as 90s or 1m30s, or hh:mm:ss)");
            rewritten[child.Key] = duration.ToString("c", CultureInfo.InvariantCulture);
        }

        // Overlay the rewritten values on the section, leaving the caller's configuration untouched.
        IConfiguration source = section;
        if (rewritten.Count > 0 || replaced.Count > 0)
        {
            var kept = section.AsEnumerable(makePathsRelative: true)
                .Where(kv => kv.Value is not null && !replaced.Contains(kv.Key.Split(':')[0]));
            source = new ConfigurationBuilder().AddInMemoryCollection(kept).AddInMemoryCollection(rewritten).Build();
        }
        try
        {
            source.Bind(options, binder => binder.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException ex)
        {
            throw new FormatException($"configuration section {SectionName}: {ex.Message}", ex);
        }
    }

    private static Type? PropertyType(string key) =>
        typeof(NsqdOptions).GetProperty(key, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase)?.PropertyType;
}
