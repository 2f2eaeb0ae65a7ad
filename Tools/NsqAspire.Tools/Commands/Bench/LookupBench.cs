using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Nsq.Protocol.Lookup;
using Nsq.Protocol.V2;

namespace NsqAspire.Tools.Commands.Bench;

/// <summary>
/// <c>lookup</c> mode: <c>GET /lookup?topic=...</c> against one nsqlookupd as fast as it answers, over keep-alive
/// HTTP/1.1 connections (a raw-socket client, one request outstanding per connection). Counts 200s; anything else is an
/// error. With <c>--register</c>, a fake producer (a V1 TCP client) registers the topic first and stays connected.
/// </summary>
internal static class LookupBench
{
    public static async Task<bool> RunAsync(BenchOptions o, CancellationToken interrupt)
    {
        var http = await NsqConnection.ResolveAsync(o.LookupdHttpAddress).ConfigureAwait(false);
        var request = Encoding.ASCII.GetBytes(
            $"GET /lookup?topic={Uri.EscapeDataString(o.Topic)} HTTP/1.1\r\nHost: {o.LookupdHttpAddress}\r\nUser-Agent: nsq-bench\r\n\r\n");

        await using var producer = o.Register ? await FakeLookupProducer.RegisterAsync(o).ConfigureAwait(false) : null;
        await WaitForTopicAsync(http, request).ConfigureAwait(false);

        using var stop = new StopSignal(interrupt);
        var stats = new WorkerStats[o.Connections];
        var workers = new Task[o.Connections];
        for (var i = 0; i < workers.Length; i++)
        {
            var s = stats[i] = new WorkerStats();
            workers[i] = Task.Run(() => WorkerAsync(http, request, s, stop));
        }
        // Untimed warm-up: both sides reach tiered (optimised) code before the measured window opens.
        await DelayUnlessStoppedAsync(o.Warmup, stop).ConfigureAwait(false);
        var (okBefore, errorsBefore) = Sum(stats);
        var before = GcSnapshot.Take();
        var start = Stopwatch.GetTimestamp();
        _ = BenchProgress.RunAsync("lookup", "requests", stats, start, o.EffectiveProgress, stop);
        await DelayUnlessStoppedAsync(o.RunFor, stop).ConfigureAwait(false);
        var (okAfter, errorsAfter) = Sum(stats);
        var elapsedNs = BenchResult.ElapsedNanoseconds(start, Stopwatch.GetTimestamp());
        var gc = GcSnapshot.Take().Since(before);
        stop.Set();
        await Task.WhenAll(workers).ConfigureAwait(false);

        var ok = okAfter - okBefore;
        var errors = errorsAfter - errorsBefore;
        var firstError = stats.Select(s => s.FirstError).FirstOrDefault(e => e is not null);
        var seconds = elapsedNs / 1e9;
        var line = string.Create(CultureInfo.InvariantCulture,
            $"[lookup] requests={ok} elapsed_s={seconds:F3} req_per_sec={ok / seconds:F0} us_per_req={(ok > 0 ? elapsedNs / 1000.0 / ok * o.Connections : 0):F1} connections={o.Connections} topic={o.Topic} lookupd={o.LookupdHttpAddress} client_gc={gc.Gen0}/{gc.Gen1}/{gc.Gen2} errors={errors}");
        if (firstError is not null) line += $" first_error=\"{firstError}\"";
        await Console.Out.WriteLineAsync(line).ConfigureAwait(false);
        await Console.Out.FlushAsync().ConfigureAwait(false);
        return ok == 0;
    }

    /// <summary>Waits <paramref name="delay"/>; Ctrl+C (the stop signal) cuts it short.</summary>
    private static async Task DelayUnlessStoppedAsync(TimeSpan delay, StopSignal stop)
    {
        try
        {
            if (delay > TimeSpan.Zero) await Task.Delay(delay, stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Interrupted: measure what ran so far.
        }
    }

    private static (long Ok, long Errors) Sum(WorkerStats[] stats)
    {
        long ok = 0, errors = 0;
        foreach (var s in stats)
        {
            ok += Volatile.Read(ref s.Messages);
            errors += Volatile.Read(ref s.Errors);
        }
        return (ok, errors);
    }

    /// <summary>Registration reaches the lookup asynchronously: wait (up to 10 s) until /lookup answers 200.</summary>
    private static async Task WaitForTopicAsync(EndPoint http, byte[] request)
    {
        using var client = new LookupHttpConnection(http);
        await client.ConnectAsync().ConfigureAwait(false);
        var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 10;
        int status;
        while ((status = await client.SendAsync(request).ConfigureAwait(false)) != 200)
        {
            if (Stopwatch.GetTimestamp() > deadline)
                throw new IOException($"/lookup answered {status} for 10s (is the topic registered? use --register)");
            await Task.Delay(50).ConfigureAwait(false);
        }
    }

    private static async Task WorkerAsync(EndPoint http, byte[] request, WorkerStats s, StopSignal stop)
    {
        LookupHttpConnection? client = null;
        try
        {
            while (!stop.IsSet)
            {
                try
                {
                    if (client is null)
                    {
                        client = new LookupHttpConnection(http);
                        await client.ConnectAsync().ConfigureAwait(false);
                    }
                    var status = await client.SendAsync(request).ConfigureAwait(false);
                    if (status == 200)
                    {
                        Volatile.Write(ref s.Messages, s.Messages + 1);
                    }
                    else
                    {
                        s.Errors++;
                        s.FirstError ??= $"HTTP {status}";
                    }
                }
                catch (Exception ex) when (ex is SocketException or IOException or InvalidDataException)
                {
                    s.Errors++;
                    s.FirstError ??= ex.Message;
                    client?.Dispose();
                    client = null;
                    await Task.Delay(10).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            client?.Dispose();
        }
    }
}
