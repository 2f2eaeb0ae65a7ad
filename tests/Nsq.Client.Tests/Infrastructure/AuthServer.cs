using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Nsq.Client.Tests.Infrastructure;

/// <summary>
/// The nsqd auth endpoint (spec §2.9) in its smallest form: every GET /auth whose secret is <see cref="Secret"/> gets a
/// grant of publish and subscribe on every topic; any other secret gets 403.
/// </summary>
internal sealed class AuthServer : IAsyncDisposable
{
    private const string Grant = """{"ttl":3600,"identity":"sdk","identity_url":"","authorizations":[{"topic":".*","channels":[".*"],"permissions":["subscribe","publish"]}]}""";
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public AuthServer(string secret)
    {
        Secret = secret;
        _listener.Start();
        _loop = LoopAsync();
    }

    public string Secret { get; }

    public string Address => $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    private async Task LoopAsync()
    {
        try
        {
            while (true)
            {
                using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                var stream = client.GetStream();
                var request = new StringBuilder();
                var buffer = new byte[4096];
                while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    var n = await stream.ReadAsync(buffer, _stop.Token);
                    if (n == 0) break;
                    request.Append(Encoding.ASCII.GetString(buffer, 0, n));
                }
                var ok = request.ToString().Contains("secret=" + Uri.EscapeDataString(Secret) + "&", StringComparison.Ordinal)
                    || request.ToString().Contains("secret=" + Uri.EscapeDataString(Secret) + " ", StringComparison.Ordinal);
                var body = ok ? Grant : """{"message":"forbidden"}""";
                var response = $"HTTP/1.1 {(ok ? "200 OK" : "403 Forbidden")}\r\nContent-Type: application/json\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\nConnection: close\r\n\r\n{body}";
                await stream.WriteAsync(Encoding.UTF8.GetBytes(response), _stop.Token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException or IOException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop;
        _stop.Dispose();
    }
}
