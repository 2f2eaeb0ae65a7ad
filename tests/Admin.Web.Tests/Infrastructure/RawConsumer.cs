using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Admin.Web.Tests.Infrastructure;

/// <summary>A consumer connection that subscribes and stays idle (RDY 0): it shows on the channel page as a client while
/// the channel keeps its depth.</summary>
public sealed class RawConsumer : IAsyncDisposable
{
    private readonly TcpClient _client = new();

    public static async Task<RawConsumer> SubscribeAsync(IPEndPoint nsqdTcp, string topic, string channel)
    {
        var c = new RawConsumer();
        await c._client.ConnectAsync(nsqdTcp);
        var stream = c._client.GetStream();
        var identify = """{"client_id":"e2e-consumer","hostname":"e2e-host","user_agent":"admin-e2e/1.0"}"""u8.ToArray();
        var size = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(size, identify.Length);
        await stream.WriteAsync(Encoding.ASCII.GetBytes("  V2IDENTIFY\n"));
        await stream.WriteAsync(size);
        await stream.WriteAsync(identify);
        await ExpectOkAsync(stream);
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"SUB {topic} {channel}\n"));
        await ExpectOkAsync(stream);
        return c;
    }

    /// <summary>Reads one response frame and asserts it is OK: [size 6][frame type 0][OK].</summary>
    private static async Task ExpectOkAsync(NetworkStream stream)
    {
        var buffer = new byte[10];
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(read));
            if (n == 0) throw new IOException("nsqd closed the connection");
            read += n;
        }
        Assert.Equal("OK", Encoding.ASCII.GetString(buffer, 8, 2));
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}
