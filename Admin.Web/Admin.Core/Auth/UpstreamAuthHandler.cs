using Microsoft.AspNetCore.Http;

namespace Admin.Core.Auth;

/// <summary>The cluster HttpClient's step that puts <see cref="UpstreamCredentials"/> on every call to nsqd and
/// nsqlookupd: stats, lookups and actions alike, made for the request being served (found through the accessor) or
/// for none (the rate sampler).</summary>
internal sealed class UpstreamAuthHandler(IHttpContextAccessor accessor, AdminOptions options) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        UpstreamCredentials.Apply(request, accessor.HttpContext, options);
        return base.SendAsync(request, cancellationToken);
    }
}
