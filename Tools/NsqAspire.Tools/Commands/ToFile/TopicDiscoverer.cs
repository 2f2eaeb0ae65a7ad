using System.Text.Json;
using System.Text.RegularExpressions;
using NsqAspire.Tools.Common;

namespace NsqAspire.Tools.Commands.ToFile;

/// <summary>
/// The topics to archive: the <c>--topic</c> list, or (without it) every topic the lookupds list (<c>GET /topics</c>)
/// that matches <c>--topic-pattern</c>, asked again every <c>--topic-refresh</c>. Each new topic gets its own archiver;
/// on stop every archiver syncs, closes and moves its file before this returns. Unlike the Go tool, which first asks
/// the lookupds one refresh interval after start, the first lookup is at once.
/// </summary>
internal sealed class TopicDiscoverer
{
    private readonly NsqToFileOptions _o;
    private readonly ToFileLog _log;
    private readonly Func<string, TopicArchiver> _createArchiver;
    private readonly Regex? _pattern;
    private readonly Dictionary<string, (TopicArchiver Archiver, Task Run)> _topics = new(StringComparer.Ordinal);

    public TopicDiscoverer(NsqToFileOptions options, ToFileLog log, Func<string, TopicArchiver> createArchiver)
    {
        _o = options;
        _log = log;
        _createArchiver = createArchiver;
        _pattern = PatternOf(options.TopicPattern);
    }

    /// <summary>The <c>--topic-pattern</c> regex (unanchored, as Go's MatchString); throws <see cref="ArgumentException"/>
    /// for a pattern that does not compile (the Go tool would skip every topic instead).</summary>
    public static Regex? PatternOf(string pattern) =>
        pattern.Length == 0 ? null : new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    /// <summary>SIGHUP for every archiver.</summary>
    public void HangUp()
    {
        lock (_topics)
        {
            foreach (var (archiver, _) in _topics.Values) archiver.HangUp();
        }
    }

    public async Task RunAsync(CancellationToken stop)
    {
        Update(_o.Topics, stop);
        if (_o.Topics.Count == 0)
        {
            using var http = LookupdHttp();
            using var ticker = new PeriodicTimer(_o.TopicRefreshInterval);
            do
            {
                if (await LookupTopicsAsync(http, stop).ConfigureAwait(false) is { } topics) Update(topics, stop);
            }
            while (await Wait(ticker, stop).ConfigureAwait(false));
        }
        else
        {
            await Task.Delay(Timeout.Infinite, stop).ContinueWith(static _ => { }, TaskScheduler.Default).ConfigureAwait(false);
        }
        Task[] runs;
        lock (_topics) runs = [.. _topics.Values.Select(t => t.Run)];
        await Task.WhenAll(runs).ConfigureAwait(false);
    }

    private static async Task<bool> Wait(PeriodicTimer ticker, CancellationToken stop)
    {
        try
        {
            return await ticker.WaitForNextTickAsync(stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private void Update(IEnumerable<string> topics, CancellationToken stop)
    {
        foreach (var topic in topics)
        {
            lock (_topics)
            {
                if (_topics.ContainsKey(topic)) continue;
            }
            if (_pattern is not null && !_pattern.IsMatch(topic))
            {
                _log.Warn($"skipping topic {topic} (doesn't match pattern {_o.TopicPattern})");
                continue;
            }
            TopicArchiver archiver;
            try
            {
                archiver = _createArchiver(topic);
            }
            catch (ArgumentException ex)
            {
                _log.Error($"couldn't create logger for new topic {topic}: {ex.Message}");
                continue;
            }
            lock (_topics) _topics[topic] = (archiver, Task.Run(() => archiver.RunAsync(stop), CancellationToken.None));
        }
    }

    private HttpClient LookupdHttp()
    {
#pragma warning disable CA2000 // The client owns the handler.
        var handler = new SocketsHttpHandler { ConnectTimeout = _o.HttpClientConnectTimeout };
#pragma warning restore CA2000
        return new HttpClient(handler) { Timeout = _o.HttpClientRequestTimeout };
    }

    /// <summary>The union of the lookupds' topics, sorted; null (and an error logged) when none answered. A lookupd
    /// that fails while another answers is logged and the answers are used.</summary>
    private async Task<List<string>?> LookupTopicsAsync(HttpClient http, CancellationToken stop)
    {
        var topics = new SortedSet<string>(StringComparer.Ordinal);
        var errors = new List<string>();
        foreach (var address in _o.LookupdHttpAddresses)
        {
            var endpoint = HttpAddress.Url(address, "/topics");
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, endpoint);
                request.Headers.TryAddWithoutValidation("Accept", "application/vnd.nsq; version=1.0");
                using var response = await http.SendAsync(request, stop).ConfigureAwait(false);
                var body = await response.Content.ReadAsStringAsync(stop).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode) throw new HttpRequestException($"got response {(int)response.StatusCode} {body}");
                foreach (var topic in TopicsIn(body)) topics.Add(topic);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return null;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException or InvalidOperationException)
            {
                errors.Add($"{endpoint}: {ex.Message}");
            }
        }
        if (errors.Count == _o.LookupdHttpAddresses.Count)
        {
            _log.Error($"could not retrieve topic list: failed to query any nsqlookupd: {string.Join("; ", errors)}");
            return null;
        }
        foreach (var error in errors) _log.Error($"could not retrieve topic list: {error}");
        return [.. topics];
    }

    /// <summary><c>{"topics":[...]}</c> (v1), or the older <c>{"data":{"topics":[...]}}</c>.</summary>
    private static List<string> TopicsIn(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        if (!root.TryGetProperty("topics", out var list) && root.TryGetProperty("data", out var data)) data.TryGetProperty("topics", out list);
        var topics = new List<string>();
        if (list.ValueKind != JsonValueKind.Array) return topics;
        foreach (var item in list.EnumerateArray())
            if (item.GetString() is { Length: > 0 } topic) topics.Add(topic);
        return topics;
    }
}
