
namespace Nsq.TestUtilities;

/// <summary>Loopback ports for servers that must be told their port up front (child processes, redis-server).</summary>
public static class Ports
{
    /// <summary>
    /// A port the kernel just handed out and released. Another process could take it before the caller binds it, which
    /// is why in-process servers listen on port 0 instead; a child process cannot report its port back, so it needs one.
    /// </summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
