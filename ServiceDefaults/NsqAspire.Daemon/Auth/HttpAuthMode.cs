namespace NsqAspire.Daemon.Auth;

/// <summary><c>--http-auth</c>: which HTTP requests need credentials once a credential source is configured.</summary>
public enum HttpAuthMode
{
    /// <summary>Writes and admin endpoints (the default); reads stay open.</summary>
    Writes,

    /// <summary>Every endpoint but the probes (<c>/ping</c>, <c>/health</c>, <c>/alive</c>).</summary>
    All,

    /// <summary>Open HTTP, as nsqd 1.3: for deployments that use the auth server for TCP AUTH only.</summary>
    Off,
}

/// <summary>The text form of <see cref="HttpAuthMode"/> for flags and settings.</summary>
public static class HttpAuthModes
{
    /// <summary>The flag's default.</summary>
    public const string Default = "writes";

    /// <summary>Lower-cases a valid value; throws <see cref="FormatException"/> naming the valid ones otherwise.</summary>
    public static string Normalize(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var mode = value.Trim().ToLowerInvariant();
        return mode is "writes" or "all" or "off" ? mode : throw new FormatException("expected writes, all or off");
    }

    /// <summary>The mode a normalized (or any-case) value names.</summary>
    public static HttpAuthMode Parse(string value) => Normalize(value) switch
    {
        "all" => HttpAuthMode.All,
        "off" => HttpAuthMode.Off,
        _ => HttpAuthMode.Writes,
    };
}
