using Microsoft.AspNetCore.Http;

namespace Admin.Core.Auth;

/// <summary>
/// Who is acting, for <c>--admin-user</c> and notifications. With the Basic sign-in on, it is the signed-in name: a
/// header anyone holding the password could set must not override it. Otherwise it is nsqadmin's
/// <c>--acl-http-header</c>, which a proxy or platform authentication in front of the admin sets.
/// </summary>
public static class AdminUser
{
    /// <summary>The authentication type <see cref="BasicAuthGate"/> gives its signed-in users.</summary>
    public const string BasicScheme = "Basic";

    /// <summary>The acting user's name; empty when nobody is named.</summary>
    public static string Of(HttpContext context, AdminOptions options)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        return context.User.Identity is { IsAuthenticated: true, AuthenticationType: BasicScheme, Name: { } name }
            ? name
            : context.Request.Headers[options.AclHttpHeader].ToString();
    }

    /// <summary>With <c>--admin-user</c> set, only those users may act.</summary>
    public static bool IsDenied(HttpContext context, AdminOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.AdminUsers.Count > 0 && !options.AdminUsers.Contains(Of(context, options));
    }
}
