using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Nsq.Protocol.Http;

namespace Nsqd.Core.Http;

/// <summary>Spec §3.4: the default (text) /stats output, nsqd's fixed-width layout line for line.</summary>
internal static class StatsText
{
    public static string Format(StatsResponse stats, DateTimeOffset startTime, TimeSpan uptime, long nowUnixSeconds)
    {
        var w = new StringBuilder(1024);
        w.Append(CultureInfo.InvariantCulture, $"nsqd v{NsqdOptions.Version} (built w/{RuntimeInformation.FrameworkDescription})\n");
        w.Append(CultureInfo.InvariantCulture, $"start_time {startTime.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}\n");
        w.Append(CultureInfo.InvariantCulture, $"uptime {GoFormat.Duration(uptime.Ticks * 100)}\n");
        w.Append(CultureInfo.InvariantCulture, $"\nHealth: {stats.Health}\n");

        if (stats.Memory is { } m)
        {
            w.Append("\nMemory:\n");
            MemLine(w, "heap_objects", m.HeapObjects);
            MemLine(w, "heap_idle_bytes", m.HeapIdleBytes);
            MemLine(w, "heap_in_use_bytes", m.HeapInUseBytes);
            MemLine(w, "heap_released_bytes", m.HeapReleasedBytes);
            MemLine(w, "gc_pause_usec_100", m.GcPauseUsec100);
            MemLine(w, "gc_pause_usec_99", m.GcPauseUsec99);
            MemLine(w, "gc_pause_usec_95", m.GcPauseUsec95);
            MemLine(w, "next_gc_bytes", m.NextGcBytes);
            MemLine(w, "gc_total_runs", m.GcTotalRuns);
        }

        var topics = stats.Topics ?? [];
        w.Append(topics.Count == 0 ? "\nTopics: None\n" : "\nTopics:");
        foreach (var t in topics)
        {
            w.Append('\n').Append(t.Paused ? "*P " : "   ")
                .Append('[').Append(Pad(t.TopicName, 15)).Append("] depth: ").Append(Pad(t.Depth, 5))
                .Append(" be-depth: ").Append(Pad(t.BackendDepth, 5))
                .Append(" msgs: ").Append(Pad(t.MessageCount, 8))
                .Append(" e2e%: ").Append(Latency(t.E2eProcessingLatency)).Append('\n');
            foreach (var c in t.Channels)
            {
                w.Append(c.Paused ? "   *P " : "      ")
                    .Append('[').Append(Pad(c.ChannelName, 25)).Append("] depth: ").Append(Pad(c.Depth, 5))
                    .Append(" be-depth: ").Append(Pad(c.BackendDepth, 5))
                    .Append(" inflt: ").Append(Pad(c.InFlightCount, 4))
                    .Append(" def: ").Append(Pad(c.DeferredCount, 4))
                    .Append(" re-q: ").Append(Pad(c.RequeueCount, 5))
                    .Append(" timeout: ").Append(Pad(c.TimeoutCount, 5))
                    .Append(" msgs: ").Append(Pad(c.MessageCount, 8))
                    .Append(" e2e%: ").Append(Latency(c.E2eProcessingLatency)).Append('\n');
                foreach (var client in c.Clients ?? []) w.Append("        ").Append(Client(client, nowUnixSeconds)).Append('\n');
            }
        }

        var producers = stats.Producers ?? [];
        if (producers.Count == 0)
        {
            w.Append("\nProducers: None\n");
        }
        else
        {
            w.Append("\nProducers:\n");
            foreach (var p in producers) w.Append("   ").Append(Client(p, nowUnixSeconds)).Append('\n');
        }
        return w.ToString();
    }

    /// <summary>nsqd's ClientStats.String(): the producer form when the client has pub counts, else the consumer form.</summary>
    public static string Client(ClientStats s, long nowUnixSeconds)
    {
        var connected = GoFormat.Duration(Math.Max(0, nowUnixSeconds - s.ConnectTs) * 1_000_000_000L);
        var id = Pad($"{s.Hostname}:{Port(s.RemoteAddress)} {s.UserAgent}", 21);
        if (s.PubCounts is { Count: > 0 } counts)
        {
            long total = 0;
            foreach (var pc in counts) total += pc.Count;
            var topics = string.Join(',', counts.Select(pc => string.Create(CultureInfo.InvariantCulture, $"{pc.Topic}={pc.Count}")));
            return string.Create(CultureInfo.InvariantCulture,
                $"[{s.Version} {id}] msgs: {Pad(total, 8)} topics: {topics} connected: {connected}");
        }
        return string.Create(CultureInfo.InvariantCulture,
            $"[{s.Version} {id}] state: {s.State} inflt: {Pad(s.InFlightCount, 4)} rdy: {Pad(s.ReadyCount, 4)} fin: {Pad(s.FinishCount, 8)} re-q: {Pad(s.RequeueCount, 8)} msgs: {Pad(s.MessageCount, 8)} connected: {connected}");
    }

    private static string Latency(LatencyResult r)
        => r.Percentiles is null ? "" : string.Join(", ", r.Percentiles.Select(p => GoFormat.NanosToHuman(p.Value)));

    private static void MemLine(StringBuilder w, string name, ulong value)
        => w.Append("   ").Append(Pad(name, 25)).Append('\t').Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');

    private static string Pad(string s, int width) => s.PadRight(width);

    private static string Pad(long n, int width) => n.ToString(CultureInfo.InvariantCulture).PadRight(width);

    private static string Port(string address)
    {
        var colon = address.LastIndexOf(':');
        return colon < 0 ? "" : address[(colon + 1)..];
    }
}
