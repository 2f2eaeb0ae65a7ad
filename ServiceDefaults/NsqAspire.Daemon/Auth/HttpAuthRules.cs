namespace NsqAspire.Daemon.Auth;

/// <summary>
/// A daemon's declaration of which endpoint needs which <see cref="HttpAccess"/>: exact method + path, or a pattern
/// ending in one <c>:param</c> segment (<c>/config/:opt</c>) as the daemons' routers write them. Requests no rule names
/// are <see cref="HttpAccess.Read"/>. Filled once at construction, read concurrently afterwards.
/// </summary>
public sealed class HttpAuthRules
{
    private readonly Dictionary<(string Method, string Path), HttpAccess> _exact = [];
    private readonly List<(string Method, string Prefix, HttpAccess Access)> _prefixes = [];

    /// <summary>Declares the access <paramref name="method"/> on <paramref name="pattern"/> needs.</summary>
    public HttpAuthRules Add(string method, string pattern, HttpAccess access)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(pattern);
        var colon = pattern.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0) _exact[(method, pattern)] = access;
        else _prefixes.Add((method, pattern[..colon], access));
        return this;
    }

    /// <summary>The declared access of a request, <see cref="HttpAccess.Read"/> when none is declared. Exact and
    /// case-sensitive, like the routers: a path they only redirect runs no handler, so it needs nothing more.</summary>
    public HttpAccess Find(string method, string path)
    {
        if (_exact.TryGetValue((method, path), out var access)) return access;
        foreach (var (m, prefix, a) in _prefixes)
        {
            if (m == method && path.Length > prefix.Length && path.StartsWith(prefix, StringComparison.Ordinal)
                && path.IndexOf('/', prefix.Length) < 0)
                return a;
        }
        return HttpAccess.Read;
    }
}
