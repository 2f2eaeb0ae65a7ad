
namespace Nsq.TestUtilities.Servers;

/// <summary>
/// A TCP man-in-the-middle between a client and nsqd for fault injection: drops every connection on demand, refuses
/// new ones, splits what nsqd sends into chunks of <see cref="SplitSize"/> bytes written one by one, and delays each
/// chunk by <see cref="Delay"/>. Listens on 127.0.0.1 port 0.
/// </summary>
public sealed class FaultProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly EndPoint _upstream;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<(TcpClient Client, TcpClient Server)> _pairs = [];
    private readonly Task _accept;
    private int _accepted;

    public FaultProxy(EndPoint upstream)
    {
        _upstream = upstream;
        _listener.Start();
        _accept = AcceptLoopAsync();
    }

    /// <summary>Where clients connect.</summary>
    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndpoint;

    /// <summary>nsqd → client bytes are written in chunks of this size (0 = as read).</summary>
    public int SplitSize { get; set; }

    /// <summary>A pause before each nsqd → client chunk.</summary>
    public TimeSpan Delay { get; set; }

    /// <summary>While true, new connections are accepted and closed at once (nsqd "down").</summary>
    public bool Refuse { get; set; }

    /// <summary>While true, nothing is forwarded from nsqd to the client (a stalled server: no heartbeats arrive).</summary>
    public bool Stall { get; set; }

    /// <summary>Connections accepted and forwarded so far.</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    /// <summary>Connections currently open through the proxy.</summary>
    public int Open
    {
        get
        {
            lock (_pairs) return _pairs.Count;
        }
    }

    /// <summary>Closes every connection now (both sides), as a network failure would.</summary>
    public void DropAll()
    {
        (TcpClient, TcpClient)[] pairs;
        lock (_pairs)
        {
            pairs = [.. _pairs];
            _pairs.Clear();
        }
        foreach (var (c, s) in pairs)
        {
            try
            {
                // A reset, as a broken network shows it, rather than an orderly close.
                c.Client?.LingerState = new LingerOption(true, 0);
            }
            catch (Exception ex) when (ex is ObjectDisposedException or SocketException)
            {
                // The pump closed this pair already.
            }
            c.Dispose();
            s.Dispose();
        }
    }

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                if (Refuse)
                {
                    client.Dispose();
                    continue;
                }
                var server = new TcpClient { NoDelay = true };
                try
                {
                    await server.ConnectAsync((IPEndPoint)_upstream, _stop.Token);
                }
                catch (SocketException)
                {
                    client.Dispose();
                    server.Dispose();
                    continue;
                }
                client.NoDelay = true;
                lock (_pairs) _pairs.Add((client, server));
                Interlocked.Increment(ref _accepted);
                _ = PumpAsync(client, server, toClient: false);
                _ = PumpAsync(server, client, toClient: true);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
    }

    private async Task PumpAsync(TcpClient from, TcpClient to, bool toClient)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            var input = from.GetStream();
            var output = to.GetStream();
            while (true)
            {
                var n = await input.ReadAsync(buffer, _stop.Token);
                if (n == 0) break;
                if (!toClient)
                {
                    await output.WriteAsync(buffer.AsMemory(0, n), _stop.Token);
                    continue;
                }
                while (Stall) await Task.Delay(10, _stop.Token);
                var chunk = SplitSize > 0 ? SplitSize : n;
                for (var offset = 0; offset < n; offset += chunk)
                {
                    if (Delay > TimeSpan.Zero) await Task.Delay(Delay, _stop.Token);
                    await output.WriteAsync(buffer.AsMemory(offset, Math.Min(chunk, n - offset)), _stop.Token);
                    await output.FlushAsync(_stop.Token);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException or InvalidOperationException or SocketException)
        {
        }
        lock (_pairs) _pairs.RemoveAll(p => p.Client == from || p.Server == from);
        from.Dispose();
        to.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        DropAll();
        await _accept;
        _stop.Dispose();
    }
}
