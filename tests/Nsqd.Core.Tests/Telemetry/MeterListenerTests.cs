using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;
using Nsq.Protocol.V2;
using Nsqd.Core.Telemetry;
using Nsqd.Core.Tests.Infrastructure;

namespace Nsqd.Core.Tests.Telemetry;

/// <summary>The broker's "Nsqd" meter read in process: observable instruments follow publish, delivery, FIN, REQ and timeouts.</summary>
public sealed class MeterListenerTests
{
    [Fact]
    public async Task Observable_instruments_follow_publish_consume_requeue_and_timeout()
    {
        await using var broker = await TestBroker.StartAsync(o => o.MsgTimeout = TimeSpan.FromMilliseconds(300));
        var meter = broker.Server.Broker.Metrics.Meter;
        using var collector = new Collector(meter);

        await using var sub = await broker.ConnectAsync();
        await sub.SendAsync(o => CommandWriter.Sub(o, "meter_t", "c"));
        Assert.Equal("OK", await sub.ReadResponseTextAsync());
        await using var pub = await broker.ConnectAsync();
        for (var i = 0; i < 3; i++)
        {
            await pub.SendAsync(o => CommandWriter.Pub(o, "meter_t", "hello"u8));
            Assert.Equal("OK", await pub.ReadResponseTextAsync());
        }

        await sub.SendAsync(o => CommandWriter.Rdy(o, 3));
        var ids = new List<string>();
        for (var i = 0; i < 3; i++) ids.Add((await sub.ReadMessageAsync()).Id);
        await sub.SendAsync(o => CommandWriter.Rdy(o, 0));
        await sub.SendAsync(o => CommandWriter.Fin(o, Encoding.ASCII.GetBytes(ids[0])));
        await sub.SendAsync(o => CommandWriter.Req(o, Encoding.ASCII.GetBytes(ids[1]), 60_000));
        // The third message stays in flight until its 300 ms timeout requeues it.

        var topic = new[] { ("topic", "meter_t") };
        var channel = new[] { ("topic", "meter_t"), ("channel", "c") };
        await collector.WaitUntilAsync(v => v.Get("nsqd.channel.timed_out", channel) == 1);
        var m = collector.Collect();
        Assert.Equal(3, m.Get("nsqd.topic.messages", topic));
        Assert.Equal(15, m.Get("nsqd.topic.bytes", topic));
        Assert.Equal(0, m.Get("nsqd.topic.depth", topic));
        Assert.Equal(0, m.Get("nsqd.topic.backend_depth", topic));
        Assert.Equal(3, m.Get("nsqd.channel.messages", channel));
        Assert.Equal(3, m.Get("nsqd.channel.delivered", channel));
        Assert.Equal(1, m.Get("nsqd.channel.finished", channel));
        Assert.Equal(1, m.Get("nsqd.channel.requeued", channel));
        Assert.Equal(1, m.Get("nsqd.channel.timed_out", channel));
        Assert.Equal(1, m.Get("nsqd.channel.depth", channel));
        Assert.Equal(0, m.Get("nsqd.channel.backend_depth", channel));
        Assert.Equal(0, m.Get("nsqd.channel.in_flight", channel));
        Assert.Equal(1, m.Get("nsqd.channel.deferred", channel));
        Assert.Equal(1, m.Get("nsqd.channel.clients", channel));
        Assert.Equal(2, m.Get("nsqd.clients", []));
        Assert.Equal(0, m.Get("nsqd.backend.corrupt_records", topic));
        Assert.Equal(0, m.Get("nsqd.backend.corrupt_records", channel));
        Assert.Equal(0, m.Get("nsqd.backend.bad_segments", channel));
        // The histogram is enabled by the listener: the one FIN recorded one latency for the channel.
        var latencies = collector.Latencies(channel);
        Assert.Single(latencies);
        Assert.InRange(latencies[0], 0, 30);
    }

    [Fact]
    public async Task Damage_the_reader_finds_is_counted_on_the_channel_it_belongs_to()
    {
        await using var broker = await StorageDamage.StartWithBrokenChannelAsync("meter_bad", "c", count: 4, broken: 1);
        using var collector = new Collector(broker.Server.Broker.Metrics.Meter);
        var topic = new[] { ("topic", "meter_bad") };
        var channel = new[] { ("topic", "meter_bad"), ("channel", "c") };
        await using var sub = await broker.ConnectAsync();
        await sub.SubscribeAsync("meter_bad", "c", rdy: 10);
        Assert.Equal("m0", (await sub.ReadMessageAsync()).Text());

        await collector.WaitUntilAsync(v => v.Get("nsqd.backend.corrupt_records", channel) == 1);
        var m = collector.Collect();
        Assert.Equal(1, m.Get("nsqd.backend.bad_segments", channel));
        Assert.Equal(0, m.Get("nsqd.backend.corrupt_records", topic));
        Assert.Equal(0, m.Get("nsqd.backend.bad_segments", topic));
    }

    [Fact]
    public async Task Policy_counters_are_reported_for_channels_with_the_policy_on_only()
    {
        await using var broker = await TestBroker.StartAsync();
        using var collector = new Collector(broker.Server.Broker.Metrics.Meter);
        using (var http = broker.HttpClient())
        {
            Assert.True((await http.PostAsync("/topic/create?topic=meter_pol", null)).IsSuccessStatusCode);
            Assert.True((await http.PostAsync("/channel/create?topic=meter_pol&channel=capped", null)).IsSuccessStatusCode);
            Assert.True((await http.PostAsync("/channel/create?topic=meter_pol&channel=plain", null)).IsSuccessStatusCode);
            Assert.True((await http.PostAsync("/channel/config?topic=meter_pol&channel=capped", new StringContent("""{"max_depth":2}"""))).IsSuccessStatusCode);
        }
        await using var pub = await broker.ConnectAsync();
        await pub.PublishManyAsync("meter_pol", ["a", "b", "c", "d", "e"]);

        var capped = new[] { ("topic", "meter_pol"), ("channel", "capped") };
        var plain = new[] { ("topic", "meter_pol"), ("channel", "plain") };
        var m = collector.Collect();
        Assert.Equal(3, m.Get("nsqd.channel.overflowed", capped));
        Assert.Equal(-1, m.Get("nsqd.channel.overflowed", plain));
        Assert.Equal(-1, m.Get("nsqd.channel.dead_lettered", capped));
        Assert.Equal(-1, m.Get("nsqd.channel.expired", capped));
    }

    [Fact]
    public async Task The_meter_is_disposed_with_the_broker()
    {
        var broker = await TestBroker.StartAsync();
        var meter = broker.Server.Broker.Metrics.Meter;
        Assert.Equal(NsqdMetrics.MeterName, meter.Name);
        using var collector = new Collector(meter);
        Assert.True(collector.InstrumentCount >= 15);
        await broker.DisposeAsync();
        Assert.Equal(0, collector.InstrumentCount);
    }

    /// <summary>Observable values and histogram measurements of one meter (other brokers in the test run are ignored).</summary>
    private sealed class Collector : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly Lock _lock = new();
        private readonly HashSet<Instrument> _instruments = [];
        private readonly List<(double Value, KeyValuePair<string, object?>[] Tags)> _latencies = [];
        private Values _values = new();

        public Collector(Meter meter)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (!ReferenceEquals(instrument.Meter, meter)) return;
                lock (_lock) _instruments.Add(instrument);
                listener.EnableMeasurementEvents(instrument);
            };
            _listener.MeasurementsCompleted = (instrument, _) => { lock (_lock) _instruments.Remove(instrument); };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            {
                lock (_lock) _values.Add(instrument.Name, tags, value);
            });
            _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) =>
            {
                lock (_lock) _values.Add(instrument.Name, tags, value);
            });
            _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
            {
                lock (_lock) _latencies.Add((value, tags.ToArray()));
            });
            _listener.Start();
        }

        public int InstrumentCount
        {
            get { lock (_lock) return _instruments.Count; }
        }

        public Values Collect()
        {
            lock (_lock) _values = new Values();
            _listener.RecordObservableInstruments();
            lock (_lock) return _values;
        }

        public async Task WaitUntilAsync(Func<Values, bool> condition)
        {
            var sw = Stopwatch.StartNew();
            while (!condition(Collect()))
            {
                if (sw.Elapsed > TimeSpan.FromSeconds(10)) throw new TimeoutException("metrics never reached the expected values");
                await Task.Delay(20);
            }
        }

        public List<double> Latencies((string, string)[] tags)
        {
            lock (_lock)
                return [.. _latencies.Where(l => Values.Matches(l.Tags, tags)).Select(l => l.Value)];
        }

        public void Dispose() => _listener.Dispose();
    }

    private sealed class Values
    {
        private readonly List<(string Name, KeyValuePair<string, object?>[] Tags, long Value)> _items = [];

        public void Add(string name, ReadOnlySpan<KeyValuePair<string, object?>> tags, long value) => _items.Add((name, tags.ToArray(), value));

        /// <summary>The value of the series with exactly these tags; -1 when absent.</summary>
        public long Get(string name, (string, string)[] tags)
        {
            foreach (var i in _items)
                if (i.Name == name && i.Tags.Length == tags.Length && Matches(i.Tags, tags)) return i.Value;
            return -1;
        }

        public static bool Matches(KeyValuePair<string, object?>[] actual, (string Key, string Value)[] expected) =>
            expected.All(e => actual.Any(a => a.Key == e.Key && (string?)a.Value == e.Value));
    }
}
