using System.Net;
using Microsoft.AspNetCore.Builder;

namespace Nsqd.Core;

/// <summary>
/// The embeddable broker: TCP protocol V2, HTTP API and storage in one object that tests start on port 0
/// and <c>Nsqd.Service</c> hosts. (Implementation in progress: this file is the public shape.)
/// </summary>
public sealed partial class NsqdServer : IAsyncDisposable
{
    /// <summary>Creates a broker. <paramref name="configureBuilder"/> and <paramref name="configureApp"/> let a host add
    /// cross-cutting services (ServiceDefaults: telemetry, /health, /alive) to the same web application.</summary>
    public static NsqdServer Create(NsqdOptions options, string[]? args = null,
        Action<WebApplicationBuilder>? configureBuilder = null, Action<WebApplication>? configureApp = null)
        => new(options, args ?? [], configureBuilder, configureApp);

    /// <summary>The bound TCP endpoint (the real port when configured with port 0).</summary>
    public IPEndPoint TcpEndPoint { get; private set; } = new(IPAddress.Loopback, 0);
    /// <summary>The bound HTTP endpoint, or null when HTTP is disabled.</summary>
    public IPEndPoint? HttpEndPoint { get; private set; }
    /// <summary>The bound HTTPS endpoint, or null when TLS is not configured.</summary>
    public IPEndPoint? HttpsEndPoint { get; private set; }
}
