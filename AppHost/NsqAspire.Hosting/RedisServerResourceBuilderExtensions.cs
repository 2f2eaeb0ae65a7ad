using System.Net.Sockets;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Aspire.Hosting;

/// <summary>
/// Redis for the lookups' shared registration store, without Docker: Debian's <c>redis-server</c> as an executable
/// resource with a non-proxied TCP endpoint, and a <c>"redis"</c> connection string built from that endpoint.
/// Aspire's container-based <c>AddRedis</c> needs a Docker engine: without one its container never becomes healthy, so
/// <see cref="NsqLookupdStoreExtensions.AddNsqLookupdStore"/> picks this process when no engine answers.
/// </summary>
public static class RedisServerResourceBuilderExtensions
{
    /// <summary>Endpoint name of the Redis protocol port.</summary>
    public const string TcpEndpointName = "tcp";

    /// <summary>Configuration key naming the redis-server binary (default: <c>redis-server</c> on PATH, else
    /// <c>/usr/bin/redis-server</c>).</summary>
    public const string ServerPathKey = "Redis:ServerPath";

    /// <summary>Adds a throw-away <c>redis-server</c> on loopback (no RDB snapshots, no AOF), healthy once it answers PING.
    /// In run mode, a missing binary fails the AppHost at startup with an explanation.</summary>
    public static IResourceBuilder<ExecutableResource> AddRedisServer(this IDistributedApplicationBuilder builder, string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);

        var command = builder.ExecutionContext.IsRunMode ? FindRedisServer(builder) : "redis-server";
        var redis = builder.AddExecutable(name, command, builder.AppHostDirectory)
            .WithEndpoint(name: TcpEndpointName, scheme: "tcp", isProxied: false);
        var tcp = redis.GetEndpoint(TcpEndpointName);
        var bind = builder.ExecutionContext.IsRunMode ? "127.0.0.1" : "0.0.0.0";
        redis.WithArgs(context =>
        {
            context.Args.Add("--port");
            context.Args.Add(tcp.Property(EndpointProperty.TargetPort));
            context.Args.Add("--bind");
            context.Args.Add(bind);
            context.Args.Add("--save");
            context.Args.Add("");
            context.Args.Add("--appendonly");
            context.Args.Add("no");
        });

        var healthCheckKey = $"{name}_ping";
        builder.Services.AddHealthChecks().AddAsyncCheck(healthCheckKey, ct => PingAsync(tcp, ct));
        return redis.WithHealthCheck(healthCheckKey);
    }

    /// <summary>A connection string resource (<c>127.0.0.1:&lt;port&gt;</c>, StackExchange.Redis syntax) that services
    /// receive as <c>ConnectionStrings__&lt;name&gt;</c> through <c>WithReference</c>. It needs its own name: the
    /// executable already holds the server's.</summary>
    public static IResourceBuilder<ConnectionStringResource> AddRedisConnectionString(this IDistributedApplicationBuilder builder,
        string name, IResourceBuilder<ExecutableResource> server)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(server);
        var tcp = server.GetEndpoint(TcpEndpointName);
        var host = builder.ExecutionContext.IsRunMode
            ? ReferenceExpression.Create($"127.0.0.1")
            : ReferenceExpression.Create($"{tcp.Property(EndpointProperty.Host)}");
        return builder.AddConnectionString(name, ReferenceExpression.Create($"{host}:{tcp.Property(EndpointProperty.TargetPort)}"));
    }

    /// <summary>The redis-server binary: <c>Redis:ServerPath</c> when set and present, else the first <c>redis-server</c>
    /// on PATH, /usr/bin or /usr/local/bin; null when there is none.</summary>
    public static string? TryFindRedisServer(IDistributedApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Configuration[ServerPathKey] is { Length: > 0 } configured)
        {
            return File.Exists(configured) ? configured : null;
        }
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Append("/usr/bin").Append("/usr/local/bin"))
        {
            var candidate = Path.Combine(dir, "redis-server");
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    private static string FindRedisServer(IDistributedApplicationBuilder builder) =>
        TryFindRedisServer(builder) ?? throw new InvalidOperationException(
            "redis-server was not found (Redis:ServerPath, PATH, /usr/bin and /usr/local/bin). It runs the nsqlookupd " +
            "replicas' shared topology store: install it (Debian: sudo apt-get install redis-server) or set " +
            $"{ServerPathKey} to its path.");

    /// <summary>Healthy once the server answers <c>PING</c> with <c>+PONG</c>.</summary>
    private static async Task<HealthCheckResult> PingAsync(EndpointReference tcp, CancellationToken ct)
    {
        if (!tcp.IsAllocated) return HealthCheckResult.Unhealthy("endpoint not allocated yet");
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", tcp.Port, timeout.Token).ConfigureAwait(false);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), timeout.Token).ConfigureAwait(false);
            var reply = new byte[7];
            await stream.ReadExactlyAsync(reply, timeout.Token).ConfigureAwait(false);
            return reply.AsSpan().SequenceEqual("+PONG\r\n"u8)
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy("unexpected reply to PING");
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy(ex.Message);
        }
    }
}
