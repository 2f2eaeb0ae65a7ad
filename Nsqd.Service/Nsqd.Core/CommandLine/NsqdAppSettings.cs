using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using NsqAspire.Daemon.CommandLine;

namespace Nsqd.Core.CommandLine;

/// <summary>
/// Binds the <c>Nsqd</c> configuration section (appsettings.json, environment variables such as
/// <c>Nsqd__MemQueueSize=500</c>) onto <see cref="NsqdOptions"/>. Keys are the property names. Durations take either
/// .NET's <c>hh:mm:ss</c> or a Go duration (<c>90s</c>, <c>1m30s</c>) like the flags; a bare number is refused rather
/// than read as days, the way TimeSpan would. Unknown keys are errors: a misspelt setting must not be silently lost.
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

        var durations = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var child in section.GetChildren())
        {
            if (child.Value is not { } text || !IsTimeSpanProperty(child.Key) || text.Contains(':', StringComparison.Ordinal))
                continue;
            if (!GoDuration.TryParse(text.Trim(), out var duration))
                throw new FormatException($"{SectionName}:{child.Key}: invalid duration \"{text}\" (use a Go duration such as 90s or 1m30s, or hh:mm:ss)");
            durations[child.Key] = duration.ToString("c", CultureInfo.InvariantCulture);
        }

        // Overlay the rewritten durations on the section, leaving the caller's configuration untouched.
        IConfiguration source = durations.Count == 0
            ? section
            : new ConfigurationBuilder().AddConfiguration(section).AddInMemoryCollection(durations).Build();
        try
        {
            source.Bind(options, binder => binder.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException ex)
        {
            throw new FormatException($"configuration section {SectionName}: {ex.Message}", ex);
        }
    }

    private static bool IsTimeSpanProperty(string key) =>
        typeof(NsqdOptions).GetProperty(key, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase)?.PropertyType
            == typeof(TimeSpan);
}
