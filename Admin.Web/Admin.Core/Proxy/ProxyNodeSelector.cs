using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Yarp.ReverseProxy.Model;

namespace Admin.Core.Proxy;

/// <summary>
/// Step of YARP's proxy pipeline for the nsqd route: keeps only the destination of the node named in the path. An
/// unknown node is nsqadmin's <c>404 NODE_NOT_FOUND</c>; a known one that fails its health probe is a 503.
/// </summary>
internal static class ProxyNodeSelector
{
    public static async Task SelectAsync(HttpContext context, Func<Task> next)
    {
        var proxy = context.GetReverseProxyFeature();
        if (proxy.Route.Config.RouteId != ProxyRoutes.Nsqd)
        {
            await next().ConfigureAwait(false);
            return;
        }
        var node = context.GetRouteValue("node") as string ?? "";
        if (!proxy.AllDestinations.Any(d => Matches(d.DestinationId, node)))
        {
            await Api.ApiResults.WriteErrorAsync(context, StatusCodes.Status404NotFound, "NODE_NOT_FOUND").ConfigureAwait(false);
            return;
        }
        var available = proxy.AvailableDestinations.Where(d => Matches(d.DestinationId, node)).ToList();
        if (available.Count == 0)
        {
            await Api.ApiResults.WriteErrorAsync(context, StatusCodes.Status503ServiceUnavailable, "NODE_UNAVAILABLE").ConfigureAwait(false);
            return;
        }
        proxy.AvailableDestinations = available;
        await next().ConfigureAwait(false);
    }

    // Service discovery may expand one configured destination into "name[address]" entries.
    private static bool Matches(string destinationId, string node)
        => destinationId == node || (destinationId.StartsWith(node, StringComparison.Ordinal) && destinationId.Length > node.Length && destinationId[node.Length] == '[');
}
