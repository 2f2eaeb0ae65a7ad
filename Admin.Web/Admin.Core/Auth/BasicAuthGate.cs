using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Admin.Core.Api;
using Microsoft.AspNetCore.Http;

namespace Admin.Core.Auth;

/// <summary>
/// The admin's HTTP Basic sign-in (<c>--basic-auth-password</c>). It runs before every endpoint (pages, JSON API,
/// assets, the YARP routes) so that nothing new can be mapped past it; only the probes stay open, because platforms
/// call them without credentials. A signed-in request carries the user as <see cref="HttpContext.User"/> for
/// <see cref="AdminUser"/>.
/// </summary>
public sealed class BasicAuthGate
{
    /// <summary>The challenge: a browser shows its sign-in dialog for it.</summary>
    public const string Challenge = "Basic realm=\"nsqadmin\"";

    private static readonly string[] s_openPaths = ["/ping", "/health", "/alive"];

    private readonly RequestDelegate _next;
    private readonly byte[] _userHash;
    private readonly byte[] _passwordHash;
    private readonly string _user;

    public BasicAuthGate(RequestDelegate next, AdminOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _next = next;
        _user = options.BasicAuthUser;
        _userHash = Hash(options.BasicAuthUser);
        _passwordHash = Hash(options.BasicAuthPassword);
    }

    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (IsOpen(context.Request.Path)) return _next(context);
        var (user, password) = Credentials(context.Request);
        if (user is null) return RefuseAsync(context, "AUTH_REQUIRED");
        // Both compared in full and in constant time (over fixed-length hashes, so lengths leak nothing either).
        var userOk = CryptographicOperations.FixedTimeEquals(Hash(user), _userHash);
        var passwordOk = CryptographicOperations.FixedTimeEquals(Hash(password!), _passwordHash);
        if (!(userOk & passwordOk)) return RefuseAsync(context, "AUTH_FAILED");
        context.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, _user)], AdminUser.BasicScheme));
        return _next(context);
    }

    private static bool IsOpen(PathString path) => s_openPaths.Any(p => path.Equals(p, StringComparison.OrdinalIgnoreCase));

    /// <summary>The user and password of a well-formed <c>Authorization: Basic</c> header, else nulls.</summary>
    internal static (string? User, string? Password) Credentials(HttpRequest request)
    {
        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization.ToString(), out var header)
            || !header.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase) || header.Parameter is null)
            return (null, null);
        string text;
        try
        {
            text = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter));
        }
        catch (FormatException)
        {
            return (null, null);
        }
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? (null, null) : (text[..colon], text[(colon + 1)..]);
    }

    // API callers read nsqadmin's {"message":...}; a browser on a page only needs the challenge to ask for the password.
    private static Task RefuseAsync(HttpContext context, string message)
    {
        context.Response.Headers.WWWAuthenticate = Challenge;
        if (context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase))
            return ApiResults.WriteErrorAsync(context, StatusCodes.Status401Unauthorized, message);
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync("401 Unauthorized: sign in to nsqadmin\n");
    }

    private static byte[] Hash(string text) => SHA256.HashData(Encoding.UTF8.GetBytes(text));
}
