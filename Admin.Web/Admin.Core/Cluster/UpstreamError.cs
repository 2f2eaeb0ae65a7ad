using System.Net;
using Microsoft.AspNetCore.Http;

namespace Admin.Core.Cluster;

/// <summary>
/// One failure met while talking to a lookupd or nsqd: the text shown to the operator (<c>nsqd host:port: 401
/// AUTH_REQUIRED</c>) and, when the upstream answered at all, its HTTP status. The status is kept so that a refusal of
/// the admin's credentials reaches the user as a refusal, not as a generic upstream error.
/// </summary>
public sealed record UpstreamError(string Text, HttpStatusCode? Status = null)
{
    public override string ToString() => Text;

    /// <summary>
    /// The status the admin answers with when an upstream refused its request for want of credentials: 403 when any
    /// upstream answered 401 or 403 (the admin's own 401 would mean "your admin password", and make clients ask for it
    /// again), 503 when an upstream could not check them (503, e.g. nsqd's <c>AUTH_UNAVAILABLE</c>); null otherwise.
    /// </summary>
    public static int? RefusalStatus(IEnumerable<UpstreamError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var statuses = errors.Select(e => e.Status).ToList();
        if (statuses.Any(s => s is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)) return StatusCodes.Status403Forbidden;
        if (statuses.Contains(HttpStatusCode.ServiceUnavailable)) return StatusCodes.Status503ServiceUnavailable;
        return null;
    }
}
