using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using Nsq.Protocol.Http;
using NsqAspire.Daemon.Http;

namespace NsqAspire.Daemon.Auth;

/// <summary>
/// HTTP auth for nsqd and nsqlookupd (docs/http-auth.md): checks a request's <c>Authorization: Bearer</c> credentials
/// against the static tokens and the auth server (spec §2.9, answers cached for their TTL), for the access the daemon's
/// <see cref="HttpAuthRules"/> declare, and answers 401/403/503 itself. A daemon builds one with <see cref="Create"/>,
/// which gives null when HTTP auth is off or has no credential source: the daemon then skips the check with one null
/// test and nothing changes for its clients.
/// </summary>
public sealed class HttpAuthFilter
{
    private const string BearerScheme = "Bearer ";
    // RFC 6750 §3: the challenge of a 401 for credentials that were sent but not accepted.
    private const string InvalidToken = "Bearer error=\"invalid_token\"";
    private static readonly ApiResult AuthRequired = ApiResult.Error(401, "AUTH_REQUIRED");
    private static readonly ApiResult AuthFailed = ApiResult.Error(401, "AUTH_FAILED");
    private static readonly ApiResult Unauthorized = ApiResult.Error(403, "UNAUTHORIZED");
    private static readonly ApiResult AuthUnavailable = ApiResult.Error(503, "AUTH_UNAVAILABLE");

    private readonly HttpAuthMode _mode;
    private readonly StaticTokens _tokens;
    private readonly HttpAuthCache? _cache;
    private readonly HttpAuthRules _rules;
    private readonly ILogger _logger;

    private HttpAuthFilter(HttpAuthMode mode, StaticTokens tokens, AuthServerClient? authServer, HttpAuthRules rules, ILogger logger)
    {
        _mode = mode;
        _tokens = tokens;
        _cache = authServer is { Enabled: true } ? new HttpAuthCache(authServer) : null;
        _rules = rules;
        _logger = logger;
    }

    /// <summary>The filter, or null when <paramref name="mode"/> is off or there is neither a static token nor an auth
    /// server (HTTP stays open, as nsqd 1.3).</summary>
    public static HttpAuthFilter? Create(HttpAuthMode mode, IEnumerable<string> staticTokens, AuthServerClient? authServer,
        HttpAuthRules rules, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(staticTokens);
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(logger);
        if (mode == HttpAuthMode.Off) return null;
        var tokens = new StaticTokens(staticTokens);
        if (tokens.Count == 0 && authServer is not { Enabled: true }) return null;
        return new HttpAuthFilter(mode, tokens, authServer, rules, logger);
    }

    /// <summary>True when the request may go on; otherwise the refusal is written and the caller stops.</summary>
    public ValueTask<bool> AuthorizeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        var access = _rules.Find(request.Method, request.Path.Value ?? "/");
        if (access == HttpAccess.Open || (access == HttpAccess.Read && _mode == HttpAuthMode.Writes)) return new(true);
        if (BearerToken(request.Headers.Authorization) is not { } token)
            return RefuseAsync(context.Response, AuthRequired, "Bearer");
        if (_tokens.Contains(token)) return new(true);
        if (_cache is null) return RefuseAsync(context.Response, AuthFailed, InvalidToken);
        return CheckAuthServerAsync(context, token, access);
    }

    private async ValueTask<bool> CheckAuthServerAsync(HttpContext context, string token, HttpAccess access)
    {
        var connection = context.Connection;
        var ip = connection.RemoteIpAddress;
        // remote_ip as Go prints it: an IPv4 client of a dual-stack listener is plain IPv4.
        if (ip is { IsIPv4MappedToIPv6: true }) ip = ip.MapToIPv4();
        var cn = connection.ClientCertificate is { } cert ? CertificateNames.CommonName(cert.SubjectName) : "";
        AuthState state;
        try
        {
            state = await _cache!.GetAsync(new HttpAuthCache.Key(token, ip, context.Request.IsHttps, cn)).ConfigureAwait(false);
        }
        catch (AuthServerException ex)
        {
            if (ex.Refused) return await RefuseAsync(context.Response, AuthFailed, InvalidToken).ConfigureAwait(false);
            _logger.LogWarning("HTTP auth for {Remote}: no auth server answered: {Error}", ip, ex.Message);
            return await RefuseAsync(context.Response, AuthUnavailable, null).ConfigureAwait(false);
        }
        return IsPermitted(state, access, context.Request.QueryString.Value)
            || await RefuseAsync(context.Response, Unauthorized, null).ConfigureAwait(false);
    }

    /// <summary>
    /// The permission table. An identity with no authorizations gets nothing (TCP AUTH refuses it too). A request
    /// missing its topic or channel argument, or with a query that does not parse, goes on to the daemon, which answers
    /// its 400 (MISSING_ARG_*, INVALID_REQUEST) without acting.
    /// </summary>
    private static bool IsPermitted(AuthState state, HttpAccess access, string? rawQuery)
    {
        if (state.Grants.Count == 0) return false;
        if (access is HttpAccess.Read) return true;
        if (access is HttpAccess.Admin) return state.IsAdmin;
        if (!GoQuery.TryParse(rawQuery, out var query) || query.Get("topic") is not { } topic) return true;
        if (access is HttpAccess.Publish) return state.IsAllowed(topic, "", publish: true);
        return query.Get("channel") is not { } channel || state.IsAllowed(topic, channel, publish: false);
    }

    /// <summary>The credentials of <c>Authorization: Bearer &lt;secret&gt;</c> (scheme in any case); null when absent,
    /// repeated, of another scheme or empty.</summary>
    private static string? BearerToken(StringValues header)
    {
        if (header.Count != 1 || header[0] is not { } value) return null;
        if (value.Length <= BearerScheme.Length || !value.StartsWith(BearerScheme, StringComparison.OrdinalIgnoreCase)) return null;
        var token = value.AsSpan(BearerScheme.Length).Trim();
        return token.IsEmpty ? null : token.Length == value.Length - BearerScheme.Length ? value[BearerScheme.Length..] : token.ToString();
    }

    private static async ValueTask<bool> RefuseAsync(HttpResponse response, ApiResult answer, string? challenge)
    {
        if (challenge is not null) response.Headers.WWWAuthenticate = challenge;
        await answer.WriteAsync(response).ConfigureAwait(false);
        return false;
    }
}
