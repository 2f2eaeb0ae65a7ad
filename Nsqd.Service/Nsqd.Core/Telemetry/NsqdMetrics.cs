using System.Diagnostics;
using System.Diagnostics.Metrics;
using Nsqd.Core.Topics;

namespace Nsqd.Core.Telemetry;

/// <summary>
/// The broker's metrics: one <see cref="Meter"/> named "Nsqd" per broker (ServiceDefaults exports it over OTLP and
/// Prometheus). Every instrument but the e2e latency histogram is observable: it reads the counters the engine keeps
/// anyway when a collector asks, so publishing and delivering pay nothing for it.
/// </summary>
internal sealed class NsqdMetrics : IDisposable
{
    public const string MeterName = "Nsqd";

    private readonly Broker _broker;
    private readonly Histogram<double> _e2eLatency;

    public NsqdMetrics(Broker broker)
    {
        _broker = broker;
        Meter = new Meter(MeterName, NsqdOptions.Version);

        Meter.CreateObservableCounter("nsqd.topic.messages", () => Topics(static t => Interlocked.Read(ref t.MessageCount)),
            "{message}", "Messages published to the topic");
        Meter.CreateObservableCounter("nsqd.topic.bytes", () => Topics(static t => Interlocked.Read(ref t.MessageBytes)),
            "By", "Message body bytes published to the topic");
        Meter.CreateObservableGauge("nsqd.topic.depth", () => Topics(static t => t.Depth().Depth),
            "{message}", "Messages queued in the topic (memory and disk) waiting for a channel");
        Meter.CreateObservableGauge("nsqd.topic.backend_depth", () => Topics(static t => t.Depth().BackendDepth),
            "{message}", "Messages of the topic's queue held on disk");

        Meter.CreateObservableCounter("nsqd.channel.messages", () => Channels(static (_, s) => s.MessageCount),
            "{message}", "Messages put into the channel");
        Meter.CreateObservableCounter("nsqd.channel.requeued", () => Channels(static (_, s) => s.RequeueCount),
            "{message}", "Messages requeued by consumers (REQ)");
        Meter.CreateObservableCounter("nsqd.channel.timed_out", () => Channels(static (_, s) => s.TimeoutCount),
            "{message}", "In-flight messages whose timeout expired");
        Meter.CreateObservableCounter("nsqd.channel.delivered", () => Channels(static (c, _) => Interlocked.Read(ref c.DeliveredCount)),
            "{message}", "Messages written to consumers");
        Meter.CreateObservableCounter("nsqd.channel.finished", () => Channels(static (c, _) => Interlocked.Read(ref c.FinishedCount)),
            "{message}", "Messages finished by consumers (FIN)");
        Meter.CreateObservableGauge("nsqd.channel.depth", () => Channels(static (_, s) => s.Depth),
            "{message}", "Messages ready in the channel (memory and disk)");
        Meter.CreateObservableGauge("nsqd.channel.backend_depth", () => Channels(static (_, s) => s.BackendDepth),
            "{message}", "Ready messages of the channel held on disk");
        Meter.CreateObservableGauge("nsqd.channel.in_flight", () => Channels(static (_, s) => s.InFlight),
            "{message}", "Messages sent to consumers and not yet finished, requeued or timed out");
        Meter.CreateObservableGauge("nsqd.channel.deferred", () => Channels(static (_, s) => s.Deferred),
            "{message}", "Deferred messages (DPUB or REQ with a delay)");
        Meter.CreateObservableGauge("nsqd.channel.clients", () => Channels(static (c, _) => c.Clients.Length),
            "{client}", "Consumers subscribed to the channel");

        // docs/channel-policies.md: like /stats, only channels with the setting on report these.
        Meter.CreateObservableCounter("nsqd.channel.dead_lettered", () => Channels(static c => Interlocked.Read(ref c.DeadLetterCount), static c => c.Policy.MaxAttempts > 0),
            "{message}", "Messages dead-lettered (or dropped) after max_attempts deliveries");
        Meter.CreateObservableCounter("nsqd.channel.expired", () => Channels(static c => Interlocked.Read(ref c.ExpiredCount), static c => c.Policy.MessageTtlMs > 0),
            "{message}", "Messages older than message_ttl_ms removed from the channel");
        Meter.CreateObservableCounter("nsqd.channel.overflowed", () => Channels(static c => Interlocked.Read(ref c.OverflowCount), static c => c.Policy.MaxDepth > 0),
            "{message}", "Messages removed from the channel beyond max_depth");

        // Damage is reported where it was found: a topic's queue (tag topic) or a channel's (tags topic and channel),
        // each counting its deferred journal too, as /stats' backend_corrupt_records and backend_bad_segments do.
        Meter.CreateObservableCounter("nsqd.backend.corrupt_records", () => Queues(static t => t.CorruptRecords, static c => c.CorruptRecords),
            "{record}", "Disk queue records lost to damage (docs/storage-format.md)");
        Meter.CreateObservableCounter("nsqd.backend.bad_segments", () => Queues(static t => t.BadSegments, static c => c.BadSegments),
            "{segment}", "Disk queue segments found with damage");

        Meter.CreateObservableUpDownCounter("nsqd.clients", () => (long)_broker.ClientCount,
            "{client}", "TCP clients connected to the broker");

        _e2eLatency = Meter.CreateHistogram<double>("nsqd.channel.e2e_latency", "s",
            "Time from publish to FIN of a message, per channel");
    }

    public Meter Meter { get; }

    /// <summary>The FIN path: free unless a listener enabled the histogram.</summary>
    public void RecordFinish(Channel channel, long timestampNs)
    {
        var histogram = _e2eLatency;
        if (!histogram.Enabled) return;
        var seconds = Math.Max(0, Infrastructure.Clock.UnixNanos - timestampNs) / 1e9;
        var tags = new TagList
        {
            { "topic", channel.Topic.Name },
            { "channel", channel.Name },
        };
        histogram.Record(seconds, tags);
    }

    private List<Measurement<long>> Topics(Func<Topic, long> read)
    {
        var list = new List<Measurement<long>>();
        foreach (var t in _broker.Topics)
        {
            if (t.IsExiting) continue;
            list.Add(new Measurement<long>(read(t), new KeyValuePair<string, object?>("topic", t.Name)));
        }
        return list;
    }

    private List<Measurement<long>> Channels(Func<Channel, ChannelSnapshot, long> read) => Channels(c => read(c, c.Snapshot()));

    private List<Measurement<long>> Channels(Func<Channel, long> read, Func<Channel, bool>? include = null)
    {
        var list = new List<Measurement<long>>();
        foreach (var t in _broker.Topics)
        {
            if (t.IsExiting) continue;
            foreach (var c in t.Channels)
            {
                if (c.IsExiting || (include is not null && !include(c))) continue;
                list.Add(new Measurement<long>(read(c),
                    new KeyValuePair<string, object?>("topic", t.Name), new KeyValuePair<string, object?>("channel", c.Name)));
            }
        }
        return list;
    }

    /// <summary>The topics' measurements followed by their channels'.</summary>
    private List<Measurement<long>> Queues(Func<Topic, long> topic, Func<Channel, long> channel)
    {
        var list = Topics(topic);
        list.AddRange(Channels(channel));
        return list;
    }

    public void Dispose() => Meter.Dispose();
}
