using Microsoft.AspNetCore.Http;
using Nsq.Protocol.Http;
using NsqAspire.Daemon.Http;

namespace Nsqd.Core.Http;

/// <summary>One request as a handler sees it: the context, the <c>:opt</c> route parameter, and the query parsed on demand
/// (handlers parse it at the point nsqd does, which decides which error wins).</summary>
internal sealed class ApiRequest(HttpContext context, string? routeParam)
{
    private GoQuery? _query;
    private bool _queryValid;

    public HttpContext Context { get; } = context;
    public string? RouteParam { get; } = routeParam;

    /// <summary>False when the query does not parse (nsqd: <c>400 INVALID_REQUEST</c>).</summary>
    public bool TryGetQuery(out GoQuery query)
    {
        if (_query is null)
        {
            var raw = Context.Request.QueryString.Value;
            if (string.IsNullOrEmpty(raw))
            {
                _query = GoQuery.Empty;
                _queryValid = true;
            }
            else
            {
                _queryValid = GoQuery.TryParse(raw.AsSpan(1), out _query);
            }
        }
        query = _query;
        return _queryValid;
    }

    public static ApiResult InvalidRequest => ApiResult.Error(400, "INVALID_REQUEST");
}
