using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Nsq.Protocol.V2;

namespace Nsq.TestUtilities.Servers;

/// <summary>
/// A fake nsqd whose side of the conversation a test writes step by step: read the magic, read a command (line and
/// body) and check it byte for byte, send frames (whole, or cut at chosen offsets), close. One script runs per
/// accepted connection; a failed expectation fails the script's task, which the test awaits.
/// </summary>
public sealed class ScriptedNsqServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<Session, Task> _script;
    private readonly Task _accept;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _sessions = [];

    public ScriptedNsqServer(Func<Session, Task> script)
    {
        _script = script;
        _listener.Start();
        _accept = AcceptLoopAsync();
    }

    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndpoint;

    /// <summary>Completes when every session started so far has finished its script; rethrows a script's failure.</summary>
    public async Task SessionsDoneAsync()
    {
        Task[] sessions;
        lock (_sessions) sessions = [.. _sessions];
        await Task.WhenAll(sessions);
    }

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                client.NoDelay = true;
                var session = new Session(client, _stop.Token);
                lock (_sessions) _sessions.Add(RunAsync(session));
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
    }

    private async Task RunAsync(Session session)
    {
        await using (session) await _script(session);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accept;
        _stop.Dispose();
    }

    /// <summary>One client connection, seen from the fake nsqd.</summary>
    public sealed class Session(TcpClient client, CancellationToken stop) : IAsyncDisposable
    {
        private readonly NetworkStream _stream = client.GetStream();

        /// <summary>Reads the 4-byte magic and checks it is <c>"  V2"</c>.</summary>
        public async Task ExpectMagicAsync() => Assert.Equal("  V2", Encoding.ASCII.GetString(await ReadExactlyAsync(4)));

        /// <summary>Reads one command line (and its size-prefixed body when <paramref name="hasBody"/>).</summary>
        public async Task<(string Line, byte[] Body)> ReadCommandAsync(bool hasBody)
        {
            var line = new List<byte>();
            while (true)
            {
                var b = (await ReadExactlyAsync(1))[0];
                if (b == '\n') break;
                line.Add(b);
            }
            var body = Array.Empty<byte>();
            if (hasBody)
            {
                var size = BinaryPrimitives.ReadInt32BigEndian(await ReadExactlyAsync(4));
                body = await ReadExactlyAsync(size);
            }
            return (Encoding.ASCII.GetString([.. line]), body);
        }

        /// <summary>Reads exactly <paramref name="expected"/>.Length bytes and checks them byte for byte.</summary>
        public async Task ExpectBytesAsync(byte[] expected)
            => Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(await ReadExactlyAsync(expected.Length)));

        /// <summary>Reads IDENTIFY and answers with <paramref name="json"/> (feature negotiation) or OK.</summary>
        public async Task<string> HandshakeAsync(string json = """{"max_rdy_count":2500,"version":"1.3.0","msg_timeout":60000}""")
        {
            await ExpectMagicAsync();
            var (line, body) = await ReadCommandAsync(hasBody: true);
            Assert.Equal("IDENTIFY", line);
            await SendAsync(Response(json));
            return Encoding.UTF8.GetString(body);
        }

        /// <summary>Writes <paramref name="bytes"/> cut at each offset in <paramref name="cuts"/>, flushing each piece.</summary>
        public async Task SendAsync(byte[] bytes, params int[] cuts)
        {
            var start = 0;
            foreach (var cut in cuts.Append(bytes.Length))
            {
                if (cut <= start) continue;
                await _stream.WriteAsync(bytes.AsMemory(start, cut - start), stop);
                await _stream.FlushAsync(stop);
                start = cut;
            }
        }

        /// <summary>True once the client closed its side.</summary>
        public async Task<bool> ClientClosedAsync()
        {
            var buffer = new byte[1];
            return await _stream.ReadAsync(buffer, stop) == 0;
        }

        public void Close() => client.Close();

        private async Task<byte[]> ReadExactlyAsync(int n)
        {
            var buffer = new byte[n];
            await _stream.ReadExactlyAsync(buffer, stop);
            return buffer;
        }

        public ValueTask DisposeAsync()
        {
            client.Dispose();
            return ValueTask.CompletedTask;
        }

        public static byte[] Response(string text) => Frame(w => FrameWriter.WriteResponse(w, Encoding.UTF8.GetBytes(text)));

        public static byte[] Error(string text) => Frame(w => FrameWriter.WriteError(w, text));

        public static byte[] Message(ulong id, ushort attempts, string body)
            => Frame(w => FrameWriter.WriteMessage(w, 1_700_000_000_000_000_000, attempts, id, Encoding.UTF8.GetBytes(body)));

        private static byte[] Frame(Action<ArrayBufferWriter<byte>> write)
        {
            var w = new ArrayBufferWriter<byte>();
            write(w);
            return w.WrittenSpan.ToArray();
        }
    }
}
