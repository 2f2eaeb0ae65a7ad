using System.Collections.Concurrent;
using System.Text;

namespace Nsq.TestUtilities.Servers;

/// <summary>
/// A tiny HTTP/1.1 auth server on 127.0.0.1 port 0 (spec §2.9): records each request line and Accept header, and answers
/// with what <see cref="Respond"/> returns for the request target. One request per connection (Connection: close).
/// </summary>
public sealed class FakeAuthServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accept;

    public FakeAuthServer(Func<string, (int Status, string Body)> respond)
    {
        Respond = respond;
        _listener.Start();
        _accept = AcceptLoopAsync();
    }

    public Func<string, (int Status, string Body)> Respond { get; set; }
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;
    public string Address => $"127.0.0.1:{Port}";
    public ConcurrentQueue<(string Method, string Target, string Accept, string Body)> Requests { get; } = new();

    /// <summary>A response granting <paramref name="authorizations"/> (JSON array text).</summary>
    public static (int, string) Grant(string authorizations, int ttl = 3600, string identity = "alice", string identityUrl = "https://auth.example/alice")
        => (200, $"{{\"ttl\":{ttl},\"identity\":\"{identity}\",\"identity_url\":\"{identityUrl}\",\"authorizations\":{authorizations}}}");

    /// <summary>
    /// The endpoint in its smallest form: a request carrying <paramref name="secret"/> is granted publish and subscribe on
    /// every topic; any other secret gets 403.
    /// </summary>
    public static FakeAuthServer GrantingAllTo(string secret) => new(target =>
        target[(target.IndexOf('?', StringComparison.Ordinal) + 1)..].Split('&').Contains("secret=" + Uri.EscapeDataString(secret))
            ? Grant("""[{"topic":".*","channels":[".*"],"permissions":["subscribe","publish"]}]""", identity: "sdk", identityUrl: "")
            : (403, """{"message":"forbidden"}"""));

    /// <summary>
    /// A server answering by secret: <paramref name="answers"/> maps a secret to its response; any other secret gets 403
    /// (the auth server's "unknown secret").
    /// </summary>
    public static FakeAuthServer BySecret(IReadOnlyDictionary<string, (int Status, string Body)> answers) => new(target =>
        SecretOf(target) is { } secret && answers.TryGetValue(secret, out var answer) ? answer : (403, """{"message":"forbidden"}"""));

    /// <summary>The <c>secret</c> query parameter of a GET auth request target, unescaped as Go's url.QueryUnescape.</summary>
    public static string? SecretOf(string target) => QueryValue(target, "secret");

    /// <summary>A query parameter of a GET auth request target (<c>remote_ip</c>, <c>tls</c>, <c>common_name</c>, <c>secret</c>).</summary>
    public static string? QueryValue(string target, string name)
    {
        foreach (var pair in target[(target.IndexOf('?', StringComparison.Ordinal) + 1)..].Split('&'))
        {
            if (pair.StartsWith(name + "=", StringComparison.Ordinal))
                return Uri.UnescapeDataString(pair[(name.Length + 1)..].Replace('+', ' '));
        }
        return null;
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var s = client.GetStream();
                var head = new MemoryStream();
                var buf = new byte[4096];
                while (head.ToArray().AsSpan().IndexOf("\r\n\r\n"u8) < 0)
                {
                    var n = await s.ReadAsync(buf, _stop.Token);
                    if (n == 0) return;
                    head.Write(buf, 0, n);
                }
                var all = head.ToArray();
                var end = all.AsSpan().IndexOf("\r\n\r\n"u8);
                var lines = Encoding.ASCII.GetString(all, 0, end).Split("\r\n");
                var parts = lines[0].Split(' ');
                var accept = "";
                var length = 0;
                foreach (var l in lines.Skip(1))
                {
                    var colon = l.IndexOf(':', StringComparison.Ordinal);
                    if (colon < 0) continue;
                    var name = l[..colon].Trim();
                    var value = l[(colon + 1)..].Trim();
                    if (name.Equals("Accept", StringComparison.OrdinalIgnoreCase)) accept = value;
                    if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)) length = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
                }
                var body = new MemoryStream();
                body.Write(all, end + 4, all.Length - end - 4);
                while (body.Length < length)
                {
                    var n = await s.ReadAsync(buf, _stop.Token);
                    if (n == 0) break;
                    body.Write(buf, 0, n);
                }
                Requests.Enqueue((parts[0], parts[1], accept, Encoding.UTF8.GetString(body.ToArray())));
                var (status, text) = Respond(parts[1]);
                var payload = Encoding.UTF8.GetBytes(text);
                var response = Encoding.ASCII.GetBytes(
                    $"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {payload.Length}\r\nConnection: close\r\n\r\n");
                await s.WriteAsync(response, _stop.Token);
                await s.WriteAsync(payload, _stop.Token);
                await s.FlushAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or SocketException)
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accept;
        _stop.Dispose();
    }
}
