using System.Net.Sockets;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting;

/// <summary>How the lookups' shared Redis store runs.</summary>
public enum NsqLookupdStoreKind
{
    /// <summary>Aspire's Redis container (<c>AddRedis</c>): a Docker engine answers, or the app is being published.</summary>
    Container,

    /// <summary>The machine's <c>redis-server</c> as an executable resource (no Docker engine).</summary>
    Process,
}

/// <summary>A Redis store for nsqlookupd replicas: the connection string handed to them and the resource they wait for.</summary>
public sealed class NsqLookupdStore(NsqLookupdStoreKind kind, IResourceBuilder<IResourceWithConnectionString> connectionString,
    IResourceBuilder<IResource> server)
{
    /// <summary>Container or process.</summary>
    public NsqLookupdStoreKind Kind { get; } = kind;

    /// <summary>The connection string resource (<c>ConnectionStrings__redis</c> in every lookup).</summary>
    public IResourceBuilder<IResourceWithConnectionString> ConnectionString { get; } = connectionString;

    /// <summary>The resource running Redis; lookups start once it is healthy.</summary>
    public IResourceBuilder<IResource> Server { get; } = server;
}

/// <summary>
/// Picks the Redis store for the lookups so that one <c>dotnet run</c> works on any machine:
/// a Docker engine answers (<c>DOCKER_HOST</c> set, or <c>/var/run/docker.sock</c> accepts a connection) → Aspire's Redis
/// container; else <c>redis-server</c> is installed → that process; else no store (the lookups keep their registrations
/// in memory, each knowing the brokers registered with it) and a warning in the AppHost log. Published, it is always the
/// container. <c>Nsq:Store</c> (<c>auto</c>, <c>container</c>, <c>process</c>, <c>memory</c>) forces a choice.
/// </summary>
public static class NsqLookupdStoreExtensions
{
    /// <summary>Configuration key forcing the store: auto (default), container, process or memory.</summary>
    public const string StoreKey = "Nsq:Store";

    /// <summary>Adds the Redis store named <paramref name="name"/> (the container, or the connection string beside a
    /// <c>&lt;name&gt;-server</c> process), or returns null for the memory store.</summary>
    public static NsqLookupdStore? AddNsqLookupdStore(this IDistributedApplicationBuilder builder, string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);

        var choice = (builder.Configuration[StoreKey] ?? "auto").Trim().ToLowerInvariant();
        if (choice is not ("auto" or "container" or "process" or "memory"))
        {
            throw new InvalidOperationException($"{StoreKey} is '{choice}'; expected auto, container, process or memory.");
        }
        var publishing = !builder.ExecutionContext.IsRunMode;

        if (choice == "container" || (choice == "auto" && (publishing || DockerEngineAnswers())))
        {
            var redis = builder.AddRedis(name);
            // Published, the shared topology (registrations, tombstones) survives a restart or redeploy of the Redis
            // container: its data on a named volume, with Redis persistence on.
            if (publishing)
            {
                redis.WithDataVolume($"{name}-data");
                // azd accepts only tcp, http and https binding schemes; the lookups read the connection string, which
                // does not use the scheme.
                redis.WithEndpoint("tcp", endpoint => endpoint.UriScheme = "tcp");
            }
            return new NsqLookupdStore(NsqLookupdStoreKind.Container, redis, redis);
        }
        if (choice == "process" || (choice == "auto" && RedisServerResourceBuilderExtensions.TryFindRedisServer(builder) is not null))
        {
            var server = builder.AddRedisServer($"{name}-server");
            return new NsqLookupdStore(NsqLookupdStoreKind.Process, builder.AddRedisConnectionString(name, server), server);
        }

        var reason = choice == "memory"
            ? $"{StoreKey}=memory"
            : "no Docker engine answers (DOCKER_HOST unset, /var/run/docker.sock absent or refusing) and redis-server is not installed";
        builder.Eventing.Subscribe<BeforeStartEvent>((e, _) =>
        {
            e.Services.GetRequiredService<ILoggerFactory>().CreateLogger("NsqAspire.Hosting").LogWarning(
                "NSQ: {Reason}, so the nsqlookupd replicas run WITHOUT Redis, on their in-memory store: each one lists only the " +
                "brokers registered with it (every broker registers with every lookup, so discovery still works). For the " +
                "shared store install redis-server (Debian: sudo apt-get install redis-server) or start Docker.", reason);
            return Task.CompletedTask;
        });
        return null;
    }

    /// <summary>True when a Docker engine can be reached: <c>DOCKER_HOST</c> is set, or <c>/var/run/docker.sock</c>
    /// exists and accepts a connection.</summary>
    public static bool DockerEngineAnswers()
    {
        if (!string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("DOCKER_HOST"))) return true;
        const string socketPath = "/var/run/docker.sock";
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS() || !File.Exists(socketPath)) return false;
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            socket.Connect(new UnixDomainSocketEndPoint(socketPath));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
