using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Nsqd.Core.Tests.Process;

namespace Nsqd.Core.Tests.Telemetry;

/// <summary>
/// The real host (ServiceDefaults) serves <c>/metrics</c> in Prometheus text format, next to nsqd's HTTP API; the broker's
/// "Nsqd" meter shows up there with topic and channel labels.
/// </summary>
public sealed partial class PrometheusEndpointTests : IDisposable
{
    private readonly TempDirectory _data = new("nsqd-prom");

    [Fact]
    public async Task Metrics_endpoint_exposes_topic_and_channel_series()
    {
        await using var nsqd = await NsqdProcess.StartAsync(_data.Path);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{nsqd.HttpPort}/"), Timeout = TimeSpan.FromSeconds(10) };
        (await http.PostAsync("topic/create?topic=prom_t", null)).EnsureSuccessStatusCode();
        (await http.PostAsync("channel/create?topic=prom_t&channel=prom_c", null)).EnsureSuccessStatusCode();
        (await http.PostAsync("pub?topic=prom_t", new StringContent("hello"))).EnsureSuccessStatusCode();
        (await http.PostAsync("mpub?topic=prom_t", new StringContent("ab\ncd\n"))).EnsureSuccessStatusCode();

        // nsqd's API still answers around it.
        Assert.Equal("OK", await http.GetStringAsync("ping"));

        var response = await http.GetAsync("metrics");
        response.EnsureSuccessStatusCode();
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        var samples = Parse(await response.Content.ReadAsStringAsync());

        var topic = new Dictionary<string, string> { ["topic"] = "prom_t" };
        var channel = new Dictionary<string, string> { ["topic"] = "prom_t", ["channel"] = "prom_c" };
        Assert.Equal(3, Value(samples, "nsqd_topic_messages_total", topic));
        Assert.Equal(9, Value(samples, "nsqd_topic_bytes_total", topic));
        Assert.Equal(0, Value(samples, "nsqd_topic_depth", topic));
        Assert.Equal(3, Value(samples, "nsqd_channel_messages_total", channel));
        Assert.Equal(3, Value(samples, "nsqd_channel_depth", channel));
        Assert.Equal(0, Value(samples, "nsqd_channel_in_flight", channel));
        Assert.Equal(0, Value(samples, "nsqd_channel_requeued_total", channel));
        Assert.Equal(0, Value(samples, "nsqd_channel_clients", channel));
        Assert.Equal(0, Value(samples, "nsqd_clients", []));
    }

    private static double Value(List<(string Name, Dictionary<string, string> Labels, double Value)> samples, string name, Dictionary<string, string> labels)
    {
        var match = samples.Where(s => s.Name == name && labels.All(l => s.Labels.GetValueOrDefault(l.Key) == l.Value)
                                       && s.Labels.Keys.Count(k => k is "topic" or "channel") == labels.Count).ToList();
        Assert.True(match.Count == 1, $"{name} {{{string.Join(",", labels)}}}: {match.Count} series; names seen: " +
            string.Join(" ", samples.Select(s => s.Name).Where(n => n.StartsWith("nsqd", StringComparison.Ordinal)).Distinct()));
        return match[0].Value;
    }

    /// <summary>Prometheus text format: <c>name{label="value",...} value [timestamp]</c>; comments and blank lines skipped.</summary>
    private static List<(string Name, Dictionary<string, string> Labels, double Value)> Parse(string text)
    {
        var samples = new List<(string, Dictionary<string, string>, double)>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0 || line[0] == '#') continue;
            var m = SampleLine().Match(line);
            Assert.True(m.Success, line);
            var labels = new Dictionary<string, string>();
            foreach (Match l in LabelPair().Matches(m.Groups["labels"].Value))
                labels[l.Groups["k"].Value] = Unescape(l.Groups["v"].Value);
            samples.Add((m.Groups["name"].Value, labels, ParseValue(m.Groups["value"].Value)));
        }
        return samples;
    }

    private static double ParseValue(string v) => v switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ => double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture),
    };

    private static string Unescape(string v)
    {
        var sb = new StringBuilder(v.Length);
        for (var i = 0; i < v.Length; i++)
        {
            if (v[i] == '\\' && i + 1 < v.Length)
            {
                i++;
                sb.Append(v[i] == 'n' ? '\n' : v[i]);
            }
            else sb.Append(v[i]);
        }
        return sb.ToString();
    }

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})?\s+(?<value>\S+)(\s+\d+)?$""")]
    private static partial Regex SampleLine();

    [GeneratedRegex("""(?<k>[a-zA-Z_][a-zA-Z0-9_]*)="(?<v>(\\.|[^"\\])*)",?""")]
    private static partial Regex LabelPair();

    public void Dispose() => _data.Dispose();
}
