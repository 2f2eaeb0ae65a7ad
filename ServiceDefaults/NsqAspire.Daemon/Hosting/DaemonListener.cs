using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace NsqAspire.Daemon.Hosting;

/// <summary>One listener of a <see cref="DaemonWebHost"/>: the endpoint Kestrel really bound, once started.</summary>
public sealed class DaemonListener
{
    internal ListenOptions? Options { get; set; }

    /// <summary>The bound endpoint after start (the real port when configured with port 0); before, the configured one.</summary>
    public IPEndPoint EndPoint => Options?.EndPoint as IPEndPoint
        ?? throw new InvalidOperationException("The listener is not configured yet: build the daemon web host first.");
}
