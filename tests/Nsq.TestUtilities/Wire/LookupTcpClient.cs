using System.Buffers.Binary;
using System.Text;

namespace Nsq.TestUtilities.Wire;

/// <summary>A raw TCP protocol V1 client: sends lines and bodies, reads untyped <c>[int32 size][data]</c> responses.</summary>
public sealed class LookupTcpClient : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;

    private LookupTcpClient(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
        LocalEndPoint = (IPEndPoint)client.Client.LocalEndPoint!;
    }

    public IPEndPoint LocalEndPoint { get; }

    /// <summary>The id lookupd gives this connection: its remote <c>ip:port</c>.</summary>
    public string PeerId => LocalEndPoint.ToString();

    public static async Task<LookupTcpClient> ConnectAsync(int port)
    {
        var client = new TcpClient(AddressFamily.InterNetwork);
        await client.ConnectAsync(IPAddress.Loopback, port);
        client.NoDelay = true;
        return new LookupTcpClient(client);
    }

    /// <summary>Half-close: the server sees the end of the stream (e.g. in the middle of an IDENTIFY body).</summary>
    public void ShutdownSend() => _client.Client.Shutdown(SocketShutdown.Send);

    public Task SendMagicAsync() => SendAsync("  V1"u8.ToArray());

    public async Task SendAsync(byte[] bytes) => await _stream.WriteAsync(bytes);

    public Task SendLineAsync(string line) => SendAsync(Encoding.UTF8.GetBytes(line + "\n"));

    public async Task<string> CommandAsync(string line)
    {
        await SendLineAsync(line);
        return await ReadResponseAsync();
    }

    public static byte[] IdentifyBody(string broadcast, int tcpPort, int httpPort, string version = "1.3.0")
        => Encoding.UTF8.GetBytes($"{{\"version\":\"{version}\",\"tcp_port\":{tcpPort},\"http_port\":{httpPort},\"hostname\":\"nsqd-host\","
            + $"\"broadcast_address\":\"{broadcast}\",\"topology_zone\":\"z1\",\"topology_region\":\"r1\"}}");

    public Task<string> IdentifyAsync(string broadcast, int tcpPort, int httpPort) => IdentifyRawAsync(IdentifyBody(broadcast, tcpPort, httpPort));

    public async Task<string> IdentifyRawAsync(byte[] body)
    {
        var bytes = new byte[9 + 4 + body.Length];
        "IDENTIFY\n"u8.CopyTo(bytes);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(9), body.Length);
        body.CopyTo(bytes, 13);
        await SendAsync(bytes);
        return await ReadResponseAsync();
    }

    public async Task<string> ReadResponseAsync()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var head = new byte[4];
        await _stream.ReadExactlyAsync(head, cts.Token);
        var data = new byte[BinaryPrimitives.ReadInt32BigEndian(head)];
        await _stream.ReadExactlyAsync(data, cts.Token);
        return Encoding.UTF8.GetString(data);
    }

    /// <summary>True when the server closes the connection (read returns 0 or resets) within the timeout.</summary>
    public async Task<bool> IsClosedByServerAsync()
    {
        using var cts = new CancellationTokenSource(Timeout);
        try
        {
            var n = await _stream.ReadAsync(new byte[1], cts.Token);
            return n == 0;
        }
        catch (IOException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Fatal error: exactly this response, then the server closes the socket.</summary>
    public async Task AssertFatalAsync(string expected)
    {
        Assert.Equal(expected, await ReadResponseAsync());
        Assert.True(await IsClosedByServerAsync(), $"connection should be closed after: {expected}");
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _client.Dispose();
    }
}
