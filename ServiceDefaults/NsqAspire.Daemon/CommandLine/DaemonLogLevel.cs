using Microsoft.Extensions.Logging;

namespace NsqAspire.Daemon.CommandLine;

/// <summary>The Go daemons' <c>--log-level</c> words (debug, info, warn, error, fatal; any case) and their .NET levels.</summary>
public static class DaemonLogLevel
{
    /// <summary>The lower-case word; throws <see cref="FormatException"/> for anything else, as the daemons fail.</summary>
    public static string Normalize(string value) =>
        TryNormalize(value) ?? throw new FormatException("expected debug, info, warn, error or fatal");

    /// <summary>The lower-case word, or null for anything else (nsqd's <c>PUT /config/log_level</c> answers 400 then).</summary>
    public static string? TryNormalize(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var level = value.ToLowerInvariant();
        return level is "debug" or "info" or "warn" or "error" or "fatal" ? level : null;
    }

    /// <summary>The .NET minimum level for a normalized word (fatal is Critical).</summary>
    public static LogLevel ToLogLevel(string level) => Normalize(level) switch
    {
        "debug" => LogLevel.Debug,
        "warn" => LogLevel.Warning,
        "error" => LogLevel.Error,
        "fatal" => LogLevel.Critical,
        _ => LogLevel.Information,
    };
}
