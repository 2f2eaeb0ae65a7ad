using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Lookup.Core.Grpc;

/// <summary>
/// Wiring for the lookup server: <c>services.AddTopologyStream(new TopologyOptions { ... })</c> and
/// <c>app.MapTopologyStream()</c>. The <see cref="Registry.IRegistrationStore"/> must be registered as a singleton by the
/// caller. gRPC needs HTTP/2: without TLS that is a Kestrel listener with <c>Protocols = HttpProtocols.Http2</c> (h2c).
/// </summary>
public static class TopologyGrpcExtensions
{
    public static IServiceCollection AddTopologyStream(this IServiceCollection services, TopologyOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        services.AddGrpc();
        services.AddSingleton(options);
        return services;
    }

    public static GrpcServiceEndpointConventionBuilder MapTopologyStream(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return endpoints.MapGrpcService<TopologyService>();
    }
}
