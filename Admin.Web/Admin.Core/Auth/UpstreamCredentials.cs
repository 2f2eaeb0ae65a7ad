using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;

namespace Admin.Core.Auth;

/// <summary>
/// The credentials the admin presents to nsqd and nsqlookupd: the Bearer token of the request being served when it
/// has one (the user's own), else <c>--upstream-auth-token</c>, else none. The admin's own Basic credentials are
/// never passed on: they open the admin, not the cluster. One rule for the cluster client and the YARP routes.
/// </summary>
public static class UpstreamCredentials
{
    /// <summary>The Bearer header to send on behalf of <paramref name="incoming"/> (null: no request, e.g. the rate
    /// sampler), or null for none.</summary>
    public static AuthenticationHeaderValue? For(HttpContext? incoming, AdminOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (incoming is not null
            && AuthenticationHeaderValue.TryParse(incoming.Request.Headers.Authorization.ToString(), out var header)
            && header.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase) && !string.IsNullOrEmpty(header.Parameter))
            return new AuthenticationHeaderValue("Bearer", header.Parameter);
        return options.UpstreamAuthToken.Length > 0 ? new AuthenticationHeaderValue("Bearer", options.UpstreamAuthToken) : null;
    }

    /// <summary>Replaces whatever <c>Authorization</c> <paramref name="outgoing"/> carries (YARP copies the incoming
    /// one, Basic included) with the one <see cref="For"/> chooses.</summary>
    public static void Apply(HttpRequestMessage outgoing, HttpContext? incoming, AdminOptions options)
    {
        ArgumentNullException.ThrowIfNull(outgoing);
        outgoing.Headers.Authorization = For(incoming, options);
    }
}
