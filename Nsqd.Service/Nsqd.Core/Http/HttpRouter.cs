using NsqAspire.Daemon.Http;

namespace Nsqd.Core.Http;

internal delegate ValueTask<ApiResult> ApiHandler(ApiRequest request);

/// <summary>
/// nsqd's router semantics (httprouter, spec §3.1): exact path + method. A path served for other methods answers
/// <c>405 METHOD_NOT_ALLOWED</c> with <c>Allow:</c> (sorted, OPTIONS included) and OPTIONS answers 200 with that header;
/// a path differing only by a trailing slash or by letter case is redirected (301 for GET, 307 otherwise); anything
/// else is <c>404 NOT_FOUND</c>. A pattern may end with one <c>:param</c> segment (<c>/config/:opt</c>).
/// </summary>
internal sealed class HttpRouter
{
    private readonly List<Route> _routes = [];

    private sealed record Route(string Method, string Prefix, bool HasParam, ApiHandler Handler)
    {
        /// <summary>Matches <paramref name="path"/> exactly (or case-insensitively); the parameter keeps the request's case.</summary>
        public bool Matches(string path, StringComparison comparison, out string? param)
        {
            param = null;
            if (!HasParam) return string.Equals(path, Prefix, comparison);
            if (!path.StartsWith(Prefix, comparison) || path.Length == Prefix.Length) return false;
            var rest = path[Prefix.Length..];
            if (rest.Contains('/')) return false;
            param = rest;
            return true;
        }
    }

    public void Map(string method, string pattern, ApiHandler handler)
    {
        var colon = pattern.IndexOf(':', StringComparison.Ordinal);
        _routes.Add(colon < 0 ? new Route(method, pattern, false, handler) : new Route(method, pattern[..colon], true, handler));
    }

    public enum Outcome { Handler, Redirect, Options, MethodNotAllowed, NotFound }

    /// <summary>
    /// Resolves a request. <paramref name="handler"/> and <paramref name="param"/> are set for <see cref="Outcome.Handler"/>,
    /// <paramref name="location"/> (a path) for <see cref="Outcome.Redirect"/>, <paramref name="allow"/> for Options/405.
    /// </summary>
    public Outcome Resolve(string method, string path, out ApiHandler? handler, out string? param, out string? location, out string? allow)
    {
        handler = null;
        param = null;
        location = null;
        allow = null;
        var methodKnown = false;
        foreach (var r in _routes)
        {
            if (r.Method != method) continue;
            methodKnown = true;
            if (r.Matches(path, StringComparison.Ordinal, out param))
            {
                handler = r.Handler;
                return Outcome.Handler;
            }
        }
        if (methodKnown && method != "CONNECT" && path != "/")
        {
            if (FindFixedPath(method, path, out location)) return Outcome.Redirect;
        }
        allow = Allowed(path, method);
        if (allow is not null) return method == "OPTIONS" ? Outcome.Options : Outcome.MethodNotAllowed;
        return Outcome.NotFound;
    }

    /// <summary>Trailing-slash toggle first (exact case), then a case-insensitive match of the cleaned path.</summary>
    private bool FindFixedPath(string method, string path, out string? location)
    {
        var toggled = path.EndsWith('/') ? path[..^1] : path + "/";
        foreach (var r in _routes)
        {
            if (r.Method == method && r.Matches(toggled, StringComparison.Ordinal, out _))
            {
                location = toggled;
                return true;
            }
        }
        var clean = CleanPath(path);
        var candidates = clean.Length > 1 && clean.EndsWith('/') ? new[] { clean, clean[..^1] } : [clean];
        foreach (var candidate in candidates)
        {
            foreach (var r in _routes)
            {
                if (r.Method != method || !r.Matches(candidate, StringComparison.OrdinalIgnoreCase, out var p)) continue;
                location = r.HasParam ? r.Prefix + p : r.Prefix;
                return true;
            }
        }
        location = null;
        return false;
    }

    private string? Allowed(string path, string method)
    {
        var methods = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var r in _routes)
            if (r.Method != method && r.Method != "OPTIONS" && r.Matches(path, StringComparison.Ordinal, out _)) methods.Add(r.Method);
        if (methods.Count == 0) return null;
        methods.Add("OPTIONS");
        return string.Join(", ", methods);
    }

    /// <summary>Collapses repeated slashes and makes the path rooted (Kestrel already removed dot segments).</summary>
    private static string CleanPath(string path)
    {
        var sb = new System.Text.StringBuilder(path.Length + 1);
        if (!path.StartsWith('/')) sb.Append('/');
        foreach (var c in path)
        {
            if (c == '/' && sb.Length > 0 && sb[^1] == '/') continue;
            sb.Append(c);
        }
        return sb.ToString();
    }
}
