using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
using Nsqd.Core.Http;
using Nsqd.Core.Infrastructure;

namespace Nsqd.Core.Telemetry;

/// <summary>
/// Spec §4 "statsd metrics emitted": every <c>--statsd-interval</c> the topic, channel and (with
/// <c>--statsd-mem-stats</c>) memory stats go to <c>--statsd-address</c> over UDP as <c>&lt;prefix&gt;&lt;stat&gt;:&lt;value&gt;|c</c>
/// (a delta since the previous push) or <c>|g</c> lines, packed into datagrams of at most <c>--statsd-udp-packet-size</c>
/// bytes. nsqd spreads the datagrams over the interval; we send them back to back.
/// </summary>
internal sealed class StatsdPusher : IAsyncDisposable
{
    private readonly Broker _broker;
    private readonly CancellationTokenSource _cts = new();
    private readonly Task _loop;
    // Previous counter values, keyed by the topic/channel object (a re-created topic counts from zero, as in nsqd).
    private Dictionary<object, long[]> _previous = new(ReferenceEqualityComparer.Instance);
    private long _previousGcRuns;

    private StatsdPusher(Broker broker)
    {
        _broker = broker;
        _loop = Task.Run(() => RunAsync(_cts.Token));
    }

    /// <summary>Null when <c>--statsd-address</c> is empty.</summary>
    public static StatsdPusher? Start(Broker broker) =>
        string.IsNullOrEmpty(broker.Options.StatsdAddress) ? null : new StatsdPusher(broker);

    /// <summary><c>nsq.%s</c> → <c>nsq.127_0_0_1_4151.</c>: the host key is broadcast address and HTTP port with . and : as _.</summary>
    public static string Prefix(NsqdOptions options)
    {
        var hostKey = $"{options.BroadcastAddress}:{options.BroadcastHttpPort.ToString(CultureInfo.InvariantCulture)}"
            .Replace('.', '_').Replace(':', '_');
        var prefix = options.StatsdPrefix.Replace("%s", hostKey, StringComparison.Ordinal);
        return prefix.Length > 0 && !prefix.EndsWith('.') ? prefix + "." : prefix;
    }

    private async Task RunAsync(CancellationToken ct)
    {
        var options = _broker.Options;
        var (host, port) = SplitHostPort(options.StatsdAddress);
        using var timer = new PeriodicTimer(options.StatsdInterval);
        using var udp = new UdpClient();
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
            {
                try
                {
                    if (!udp.Client.Connected) udp.Connect(host, port);
                    foreach (var datagram in Pack(CollectLines(), options.StatsdUdpPacketSize))
                        await udp.SendAsync(datagram, ct).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is SocketException or ArgumentException)
                {
                    _broker.Logger.LogError("STATSD: failed to push to {Address}: {Error}", options.StatsdAddress, ex.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>The lines of one push (counters as deltas since the previous call).</summary>
    internal List<string> CollectLines()
    {
        var options = _broker.Options;
        var prefix = Prefix(options);
        var lines = new List<string>();
        var current = new Dictionary<object, long[]>(ReferenceEqualityComparer.Instance);
        foreach (var topic in _broker.Topics)
        {
            if (topic.IsExiting || (options.StatsdExcludeEphemeral && topic.IsEphemeral)) continue;
            var t = $"{prefix}topic.{topic.Name}.";
            var (depth, backendDepth) = topic.Depth();
            var counts = new[] { Interlocked.Read(ref topic.MessageCount), Interlocked.Read(ref topic.MessageBytes) };
            var prev = _previous.GetValueOrDefault(topic) ?? new long[counts.Length];
            current[topic] = counts;
            lines.Add(Counter(t + "message_count", counts[0] - prev[0]));
            lines.Add(Counter(t + "message_bytes", counts[1] - prev[1]));
            lines.Add(Gauge(t + "depth", depth));
            lines.Add(Gauge(t + "backend_depth", backendDepth));
            foreach (var channel in topic.Channels)
            {
                if (channel.IsExiting || (options.StatsdExcludeEphemeral && channel.IsEphemeral)) continue;
                var c = $"{t}channel.{channel.Name}.";
                var s = channel.Snapshot();
                var cc = new[] { s.MessageCount, s.RequeueCount, s.TimeoutCount };
                var cp = _previous.GetValueOrDefault(channel) ?? new long[cc.Length];
                current[channel] = cc;
                lines.Add(Counter(c + "message_count", cc[0] - cp[0]));
                lines.Add(Gauge(c + "depth", s.Depth));
                lines.Add(Gauge(c + "backend_depth", s.BackendDepth));
                lines.Add(Gauge(c + "in_flight_count", s.InFlight));
                lines.Add(Gauge(c + "deferred_count", s.Deferred));
                lines.Add(Counter(c + "requeue_count", cc[1] - cp[1]));
                lines.Add(Counter(c + "timeout_count", cc[2] - cp[2]));
                lines.Add(Gauge(c + "clients", channel.Clients.Length));
                if (channel.E2E.Enabled && channel.E2E.Snapshot().Values is { } quantiles)
                    foreach (var (q, v) in quantiles)
                        lines.Add(Gauge(c + "e2e_processing_latency_" + (q * 100).ToString("F0", CultureInfo.InvariantCulture), (long)v));
            }
        }
        _previous = current;
        if (options.StatsdMemStats)
        {
            var mem = MemoryStatsReader.Read();
            var m = prefix + "mem.";
            lines.Add(Gauge(m + "heap_objects", (long)mem.HeapObjects));
            lines.Add(Gauge(m + "heap_idle_bytes", (long)mem.HeapIdleBytes));
            lines.Add(Gauge(m + "heap_in_use_bytes", (long)mem.HeapInUseBytes));
            lines.Add(Gauge(m + "heap_released_bytes", (long)mem.HeapReleasedBytes));
            lines.Add(Gauge(m + "gc_pause_usec_100", (long)mem.GcPauseUsec100));
            lines.Add(Gauge(m + "gc_pause_usec_99", (long)mem.GcPauseUsec99));
            lines.Add(Gauge(m + "gc_pause_usec_95", (long)mem.GcPauseUsec95));
            lines.Add(Gauge(m + "next_gc_bytes", (long)mem.NextGcBytes));
            var runs = (long)mem.GcTotalRuns;
            lines.Add(Counter(m + "gc_runs", runs - _previousGcRuns));
            _previousGcRuns = runs;
        }
        return lines;
    }

    /// <summary>Lines joined by <c>\n</c> into datagrams of at most <paramref name="packetSize"/> bytes (a longer line goes alone).</summary>
    internal static List<byte[]> Pack(IEnumerable<string> lines, int packetSize)
    {
        var datagrams = new List<byte[]>();
        var buffer = new List<byte>(Math.Max(packetSize, 64));
        foreach (var line in lines)
        {
            var bytes = Encoding.UTF8.GetBytes(line + "\n");
            if (buffer.Count > 0 && buffer.Count + bytes.Length > packetSize)
            {
                datagrams.Add([.. buffer]);
                buffer.Clear();
            }
            buffer.AddRange(bytes);
        }
        if (buffer.Count > 0) datagrams.Add([.. buffer]);
        return datagrams;
    }

    private static string Counter(string stat, long delta) => $"{stat}:{delta.ToString(CultureInfo.InvariantCulture)}|c";

    private static string Gauge(string stat, long value) => $"{stat}:{value.ToString(CultureInfo.InvariantCulture)}|g";

    private static (string Host, int Port) SplitHostPort(string address)
    {
        var idx = address.LastIndexOf(':');
        if (idx < 0 || !int.TryParse(address.AsSpan(idx + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            throw new ArgumentException($"--statsd-address: invalid address {address} (want host:port)");
        var host = address[..idx].Trim('[', ']');
        return (host.Length == 0 ? "127.0.0.1" : host, port);
    }

    public async ValueTask DisposeAsync()
    {
        await _cts.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _cts.Dispose();
    }
}
