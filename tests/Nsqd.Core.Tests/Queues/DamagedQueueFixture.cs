using System.Globalization;
using System.Text.Json;
using Nsqd.Core.Tests.Http;
using static Nsqd.Core.Tests.Infrastructure.ProtocolAssertions;

namespace Nsqd.Core.Tests.Queues;

/// <summary>
/// A durable data path whose channel queue <c>dmg:c</c> holds <see cref="Count"/> messages with distinct bodies of varied
/// length over several 64 KiB segments, written once by a real broker and stopped cleanly; each test damages a copy,
/// restarts a broker on it and checks what docs/storage-format.md promises: exact counts in /stats, the depth, every
/// undamaged body delivered once and in order, nothing damaged delivered, the damaged bytes kept in a <c>.bad</c> file.
/// </summary>
public sealed class DamagedQueueFixture : IAsyncLifetime
{
    public const int Count = 2000;
    public const string Topic = "dmg";
    public const string Channel = "c";
    public const string Queue = Topic + ":" + Channel;

    private readonly TempDirectory _pristine = new("nsqd-damage-pristine");

    /// <summary>The channel queue's records as written, in order.</summary>
    public IReadOnlyList<CheckedRecord> Records { get; private set; } = [];

    /// <summary>Segment file names in order (at least four).</summary>
    public IReadOnlyList<string> Segments { get; private set; } = [];

    public static void Options(NsqdOptions o)
    {
        o.Durability = "durable";
        o.MaxBytesPerFile = 64 * 1024;
    }

    /// <summary>"msg-000123" padded with dots to 40-119 bytes, so record boundaries fall irregularly.</summary>
    public static string Body(int i) => $"msg-{i:D6}".PadRight(40 + (i * 37 % 80), '.');

    public async Task InitializeAsync()
    {
        var data = _pristine.File("publish");
        await using (var broker = await TestBroker.StartAsync(Options, data))
        {
            await using var c = await broker.ConnectAsync();
            await c.SubscribeAsync(Topic, Channel); // the channel exists first: publishes fan out into its queue
            for (var i = 0; i < Count; i += 100) await c.PublishManyAsync(Topic, Enumerable.Range(i, 100).Select(Body));
            await broker.Server.DisposeAsync();
            CheckedSegments.CopyDirectory(data, _pristine.File("data"));
        }
        var dir = _pristine.File("data");
        Records = CheckedSegments.ReadAll(dir, Queue);
        Segments = [.. CheckedSegments.SegmentFiles(dir, Queue).Select(Path.GetFileName).OfType<string>()];
        Assert.Equal(Enumerable.Range(0, Count).Select(Body), Records.Select(r => r.Body));
        for (var i = 1; i < Records.Count; i++) Assert.Equal(Records[i - 1].Sequence + 1, Records[i].Sequence);
        Assert.True(Segments.Count >= 4, $"only {Segments.Count} segments");
        Assert.Empty(CheckedSegments.SegmentFiles(dir, Topic).SelectMany(f => File.ReadAllBytes(f)));
    }

    public Task DisposeAsync()
    {
        _pristine.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>A fresh copy of the written data path, for one test to damage.</summary>
    public TempDirectory Copy()
    {
        var dir = new TempDirectory("nsqd-damage");
        Directory.Delete(dir.Path);
        CheckedSegments.CopyDirectory(_pristine.File("data"), dir.Path);
        return dir;
    }

    public List<CheckedRecord> InSegment(int index) => [.. Records.Where(r => r.Segment == Segments[index])];

    public string PathOf(TempDirectory dir, int segment) => dir.File(Segments[segment]);

    /// <summary>
    /// Starts a broker on the damaged <paramref name="dir"/> and checks the outcome: <paramref name="lost"/> are the records
    /// the damage destroyed, <paramref name="badSegments"/> the segments it touched. Every check runs, and a failure lists
    /// all that differed (stats, .bad files, deliveries).
    /// </summary>
    public async Task AssertRecoveredAsync(TempDirectory dir, IReadOnlyCollection<CheckedRecord> lost, int badSegments)
    {
        var damaged = Segments.Where(s => File.Exists(dir.File(s))).ToDictionary(s => s, s => File.ReadAllBytes(dir.File(s)));
        await using var broker = await TestBroker.StartAsync(Options, dir.Path);
        var expected = Records.Where(r => !lost.Contains(r)).Select(r => r.Body).ToList();
        var problems = new List<string>();

        using (var http = broker.HttpClient())
        {
            var stats = await http.StatsJsonAsync("&topic=" + Topic);
            var topic = stats.GetProperty("topics")[0];
            var channel = topic.GetProperty("channels")[0];
            Expect(problems, "health", "OK", stats.GetProperty("health").GetString());
            Expect(problems, "channel depth", expected.Count, channel.GetProperty("depth").GetInt64());
            Expect(problems, "channel backend_corrupt_records", lost.Count, Counter(channel, "backend_corrupt_records"));
            Expect(problems, "channel backend_bad_segments", badSegments, Counter(channel, "backend_bad_segments"));
            Expect(problems, "topic backend_corrupt_records", 0, Counter(topic, "backend_corrupt_records"));
            Expect(problems, "topic backend_bad_segments", 0, Counter(topic, "backend_bad_segments"));
        }
        CheckBadFiles(dir, damaged, lost, problems);

        await using var sub = await broker.ConnectAsync();
        await sub.SubscribeAsync(Topic, Channel, rdy: 2500);
        var got = new List<string>(expected.Count);
        try
        {
            while (true)
            {
                var m = await sub.ReadMessageAsync(got.Count < expected.Count ? null : Short);
                got.Add(m.Text());
                await sub.FinAsync(m.Id);
            }
        }
        catch (TimeoutException)
        {
        }
        var originals = Records.Select(r => r.Body).ToHashSet();
        var foreign = got.Where(b => !originals.Contains(b)).ToList(); // a damaged body delivered
        if (foreign.Count > 0) problems.Add($"{foreign.Count} delivered bodies were never published, e.g. {foreign[0]}");
        if (!expected.SequenceEqual(got))
        {
            var firstDiff = Enumerable.Range(0, Math.Min(expected.Count, got.Count)).FirstOrDefault(i => expected[i] != got[i], -1);
            problems.Add($"delivered {got.Count} messages ({got.Count - got.Distinct().Count()} duplicates), expected {expected.Count}; "
                + $"missing {expected.Except(got).Count()} (first {expected.Except(got).FirstOrDefault()}), "
                + $"unexpected {got.Except(expected).Count()} (first {got.Except(expected).FirstOrDefault()}), first order difference at {firstDiff}");
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    private static void Expect<T>(List<string> problems, string what, T expected, T actual)
    {
        if (!EqualityComparer<T>.Default.Equals(expected, actual)) problems.Add($"{what}: expected {expected}, got {actual}");
    }

    private static long Counter(JsonElement e, string key) => e.TryGetProperty(key, out var v) ? v.GetInt64() : 0;

    /// <summary>
    /// Each run of lost records in one segment is a damaged range starting at its first record and ending where the next
    /// valid record starts (or at the file's end): those bytes, as they were after the damage, are in
    /// <c>&lt;segment&gt;.&lt;offset&gt;.bad</c>. A range with no bytes left (a segment cut at a record boundary) has no file to check.
    /// </summary>
    private void CheckBadFiles(TempDirectory dir, Dictionary<string, byte[]> damaged, IReadOnlyCollection<CheckedRecord> lost, List<string> problems)
    {
        for (var i = 0; i < Records.Count; i++)
        {
            var r = Records[i];
            if (!lost.Contains(r) || (i > 0 && lost.Contains(Records[i - 1]) && Records[i - 1].Segment == r.Segment)) continue;
            var bytes = damaged[r.Segment];
            if (r.Offset >= bytes.Length) continue;
            var next = Records.Skip(i).FirstOrDefault(n => n.Segment != r.Segment || !lost.Contains(n));
            var end = next is not null && next.Segment == r.Segment ? next.Offset : bytes.Length;
            var bad = CheckedSegments.BadFile(dir.Path, r.Segment, r.Offset);
            if (!File.Exists(bad))
            {
                problems.Add($"no {Path.GetFileName(bad)}; .bad files: "
                    + string.Join(", ", dir.FileNames().Where(f => f.EndsWith(".bad", StringComparison.Ordinal))));
            }
            else if (!bytes.AsSpan((int)r.Offset, (int)(end - r.Offset)).SequenceEqual(File.ReadAllBytes(bad)))
            {
                problems.Add($"{Path.GetFileName(bad)}: {new FileInfo(bad).Length} bytes, not the damaged range's "
                    + (end - r.Offset).ToString(CultureInfo.InvariantCulture));
            }
        }
    }
}
