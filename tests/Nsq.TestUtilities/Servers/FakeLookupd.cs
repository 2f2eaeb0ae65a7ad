using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Nsq.Protocol.Lookup;

namespace Nsq.TestUtilities.Servers;

/// <summary>
/// A scripted nsqlookupd for the nsqd side of spec §6.2: accepts V1 connections on 127.0.0.1:0, records every command
/// (IDENTIFY with its JSON body), answers <c>[int32 size][data]</c> (the IDENTIFY JSON or <c>OK</c>, or an error for
/// commands matching <see cref="ErrorFor"/>), can hold its answers and can drop every connection.
/// </summary>
public sealed class FakeLookupd : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly TcpListener _httpListener = new(IPAddress.Loopback, 0);
    private readonly Task _httpAccept;
    private readonly CancellationTokenSource _cts = new();
    private readonly Lock _lock = new();
    private readonly List<FakeConnection> _connections = [];
    private readonly Task _accept;
    private TaskCompletionSource _gate = Completed();

    public FakeLookupd()
    {
        _listener.Start();
        _httpListener.Start();
        _accept = Task.Run(AcceptLoopAsync);
        _httpAccept = Task.Run(HttpLoopAsync);
    }

    public string Address => $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
    public int HttpPort => ((IPEndPoint)_httpListener.LocalEndpoint).Port;

    public string IdentifyResponse =>
        $$"""{"broadcast_address":"127.0.0.1","hostname":"fake","http_port":{{HttpPort}},"tcp_port":4160,"version":"1.3.0"}""";

    /// <summary>What <c>GET /channels?topic=</c> answers (unknown topic: <c>[]</c>).</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, string[]> ChannelsByTopic { get; } = new();

    /// <summary>Topics asked for through <c>GET /channels</c>.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> ChannelQueries { get; } = new();

    /// <summary>A minimal HTTP/1.1 responder: only <c>GET /channels?topic=</c>, one request per connection.</summary>
    private async Task HttpLoopAsync()
    {
        try
        {
            while (true)
            {
                var client = await _httpListener.AcceptTcpClientAsync(_cts.Token);
                _ = Task.Run(async () =>
                {
                    using (client)
                    {
                        try
                        {
                            var stream = client.GetStream();
                            var head = new StringBuilder();
                            var buf = new byte[4096];
                            while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                            {
                                var n = await stream.ReadAsync(buf, _cts.Token);
                                if (n == 0) return;
                                head.Append(Encoding.ASCII.GetString(buf, 0, n));
                            }
                            var target = head.ToString().Split(' ')[1];
                            var topic = Uri.UnescapeDataString(target[(target.IndexOf("topic=", StringComparison.Ordinal) + 6)..]);
                            ChannelQueries.Enqueue(topic);
                            var json = System.Text.Json.JsonSerializer.Serialize(new { channels = ChannelsByTopic.GetValueOrDefault(topic, []) });
                            var body = Encoding.UTF8.GetBytes(json);
                            var resp = $"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n";
                            await stream.WriteAsync(Encoding.ASCII.GetBytes(resp), _cts.Token);
                            await stream.WriteAsync(body, _cts.Token);
                        }
                        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException)
                        {
                        }
                    }
                });
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    /// <summary>Commands (the whole line, e.g. <c>REGISTER t c</c>) answered with <c>E_INVALID test error</c>.</summary>
    public Func<string, bool> ErrorFor { get; set; } = _ => false;

    public IReadOnlyList<FakeConnection> Connections
    {
        get
        {
            lock (_lock) return [.. _connections];
        }
    }

    /// <summary>Every command received on every connection, in order per connection.</summary>
    public IEnumerable<string> AllCommands => Connections.SelectMany(c => c.Commands);

    /// <summary>Stops answering (commands are still recorded) until <see cref="Release"/>.</summary>
    public void Hold()
    {
        lock (_lock) _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public void Release()
    {
        lock (_lock) _gate.TrySetResult();
    }

    /// <summary>Closes every open connection (as a lookupd restart would).</summary>
    public void DropAll()
    {
        foreach (var c in Connections) c.Close();
    }

    /// <summary>Waits for a condition on the recorded state; fails with <paramref name="what"/> and what was received.</summary>
    public async Task WaitAsync(Func<FakeLookupd, bool> condition, string what, int timeoutMs = 10_000)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (!condition(this))
        {
            if (Environment.TickCount64 > deadline)
                Assert.Fail($"timed out waiting for {what}; received: {Describe()}");
            await Task.Delay(10);
        }
    }

    /// <summary>Waits until connection <paramref name="index"/> exists and has received the given commands (IDENTIFY excluded).</summary>
    public Task WaitForCommandsAsync(int index, params string[] expected)
        => WaitAsync(f => f.Connections.Count > index && expected.All(e => f.Connections[index].Commands.Contains(e)),
            $"connection {index} to receive [{string.Join(", ", expected)}]");

    public string Describe() => string.Join(" | ", Connections.Select((c, i) => $"#{i}{(c.IsClosed ? " (closed)" : "")}: {string.Join(", ", c.Commands)}"));

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (true)
            {
                var socket = await _listener.AcceptSocketAsync(_cts.Token);
                var conn = new FakeConnection(socket);
                lock (_lock) _connections.Add(conn);
                _ = Task.Run(() => ServeAsync(conn));
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task ServeAsync(FakeConnection conn)
    {
        var stream = new NetworkStream(conn.Socket, ownsSocket: false);
        var reader = PipeReader.Create(stream);
        try
        {
            var magic = await ReadExactlyAsync(reader, 4);
            conn.Magic = Encoding.ASCII.GetString(magic);
            while (true)
            {
                var line = await ReadLineAsync(reader);
                if (line is null) break;
                string response;
                if (line == "IDENTIFY")
                {
                    var size = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(await ReadExactlyAsync(reader, 4));
                    conn.IdentifyBody = Encoding.UTF8.GetString(await ReadExactlyAsync(reader, size));
                    response = IdentifyResponse;
                }
                else
                {
                    response = ErrorFor(line) ? "E_INVALID test error" : "OK";
                }
                conn.Add(line);
                Task gate;
                lock (_lock) gate = _gate.Task;
                await gate.WaitAsync(_cts.Token);
                var w = new ArrayBufferWriter<byte>();
                LookupV1Writer.Response(w, Encoding.UTF8.GetBytes(response));
                await stream.WriteAsync(w.WrittenMemory, _cts.Token);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
        }
        finally
        {
            await reader.CompleteAsync();
            conn.Close();
        }
    }

    private static async Task<byte[]> ReadExactlyAsync(PipeReader reader, int n)
    {
        while (true)
        {
            var r = await reader.ReadAsync();
            if (r.Buffer.Length >= n)
            {
                var bytes = r.Buffer.Slice(0, n).ToArray();
                reader.AdvanceTo(r.Buffer.GetPosition(n));
                return bytes;
            }
            if (r.IsCompleted) throw new IOException("closed");
            reader.AdvanceTo(r.Buffer.Start, r.Buffer.End);
        }
    }

    private static async Task<string?> ReadLineAsync(PipeReader reader)
    {
        while (true)
        {
            var r = await reader.ReadAsync();
            if (r.Buffer.PositionOf((byte)'\n') is { } nl)
            {
                var line = Encoding.UTF8.GetString(r.Buffer.Slice(0, nl).ToArray()).Trim();
                reader.AdvanceTo(r.Buffer.GetPosition(1, nl));
                return line;
            }
            if (r.IsCompleted) return null;
            reader.AdvanceTo(r.Buffer.Start, r.Buffer.End);
        }
    }

    private static TaskCompletionSource Completed()
    {
        var tcs = new TaskCompletionSource();
        tcs.SetResult();
        return tcs;
    }

    public async ValueTask DisposeAsync()
    {
        await _cts.CancelAsync();
        _listener.Stop();
        _httpListener.Stop();
        DropAll();
        try
        {
            await _accept;
            await _httpAccept;
        }
        catch (OperationCanceledException)
        {
        }
        _cts.Dispose();
    }
}

/// <summary>One accepted nsqd connection as the fake lookupd saw it.</summary>
public sealed class FakeConnection(Socket socket)
{
    private readonly Lock _lock = new();
    private readonly List<string> _commands = [];
    private int _closed;

    public Socket Socket { get; } = socket;
    public string? Magic { get; set; }
    public string? IdentifyBody { get; set; }
    public bool IsClosed => Volatile.Read(ref _closed) != 0;

    /// <summary>Command lines in arrival order (<c>IDENTIFY</c>, <c>REGISTER t c</c>, <c>PING</c>...).</summary>
    public IReadOnlyList<string> Commands
    {
        get
        {
            lock (_lock) return [.. _commands];
        }
    }

    public void Add(string line)
    {
        lock (_lock) _commands.Add(line);
    }

    public void Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0) return;
        try
        {
            Socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
        Socket.Dispose();
    }
}
