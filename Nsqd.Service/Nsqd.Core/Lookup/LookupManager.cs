using System.Text.Json;
using Microsoft.Extensions.Logging;
using Nsq.Protocol;
using Nsq.Protocol.Lookup;
using Nsqd.Core.Topics;

namespace Nsqd.Core.Lookup;

/// <summary>
/// nsqd's lookup loop: one <see cref="LookupPeer"/> per <see cref="NsqdOptions.LookupdTcpAddresses"/> entry, started once
/// the listeners are bound (the IDENTIFY carries the broadcast ports). Topic/channel creations and deletions are fanned
/// out to every peer's queue under one lock, so all peers see them in the same order; publishers never wait on lookupd.
/// <c>PUT /config/nsqlookupd_tcp_addresses</c> swaps the peers (spec §3.2).
/// </summary>
internal sealed class LookupManager(Broker broker)
{
    private readonly Lock _lock = new();
    private readonly List<Task> _retiring = [];
    private readonly List<Task> _precreating = [];
    private HttpClient? _http;
    private LookupPeer[] _peers = [];
    private bool _started;
    private bool _stopped;

    public LookupSettings Settings { get; } = LookupSettings.For(broker.Options);

    public IReadOnlyList<LookupPeer> Peers => Volatile.Read(ref _peers);

    /// <summary>lookupd HTTP addresses (<c>broadcast_address:http_port</c>) learned from IDENTIFY responses.</summary>
    public IEnumerable<string> LookupdHttpAddresses
    {
        get
        {
            foreach (var p in Peers)
                if (p.LookupdHttpAddress is { } a) yield return a;
        }
    }

    public void Start()
    {
        lock (_lock)
        {
            if (_started || _stopped) return;
            _started = true;
            broker.OptionsChanged += OnOptionsChanged;
            ApplyLocked(broker.Options.LookupdTcpAddresses);
        }
    }

    /// <summary>Closes every connection without sending UNREGISTER (spec §5.3).</summary>
    public async Task StopAsync()
    {
        LookupPeer[] peers;
        Task[] retiring;
        lock (_lock)
        {
            if (_stopped) return;
            _stopped = true;
            broker.OptionsChanged -= OnOptionsChanged;
            peers = _peers;
            _peers = [];
            retiring = [.. _retiring];
            _retiring.Clear();
        }
        await Task.WhenAll([.. peers.Select(p => p.StopAsync()), .. retiring]).ConfigureAwait(false);
        Task[] precreating;
        lock (_lock) precreating = [.. _precreating];
        await Task.WhenAll(precreating).ConfigureAwait(false);
        _http?.Dispose();
    }

    /// <summary>
    /// REGISTER to every peer, then (spec §1.2) the channels lookupd knows for this topic are created before the topic
    /// delivers anything: the topic holds its messages while <c>GET /channels?topic=</c> runs in the background.
    /// </summary>
    public void TopicCreated(Topic topic)
    {
        List<string> httpAddresses;
        lock (_lock)
        {
            if (!Active) return;
            EnqueueAllLocked(new LookupCommand(true, topic.Name, null));
            httpAddresses = [.. LookupdHttpAddresses.Distinct(StringComparer.Ordinal)];
            if (httpAddresses.Count == 0) return;
            topic.Hold();
            _precreating.RemoveAll(t => t.IsCompleted);
            _precreating.Add(Task.Run(() => PrecreateChannelsAsync(topic, httpAddresses)));
        }
    }

    private async Task PrecreateChannelsAsync(Topic topic, List<string> httpAddresses)
    {
        try
        {
            var reached = false;
            foreach (var address in httpAddresses)
            {
                ChannelsResponse? channels;
                try
                {
                    var url = $"http://{address}/channels?topic={Uri.EscapeDataString(topic.Name)}";
                    await using var body = await Http.GetStreamAsync(new Uri(url)).ConfigureAwait(false);
                    channels = await JsonSerializer.DeserializeAsync(body, LookupJsonContext.Default.ChannelsResponse).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException or IOException or UriFormatException)
                {
                    broker.Logger.LogWarning("LOOKUP: GET /channels from {Address} failed: {Error}", address, ex.Message);
                    continue;
                }
                reached = true;
                foreach (var name in channels?.Channels ?? [])
                {
                    if (Names.IsEphemeral(name) || !Names.IsValid(name)) continue;
                    topic.GetOrCreateChannel(name, out _);
                }
            }
            if (!reached) broker.Logger.LogError("LOOKUP: no lookupd answered GET /channels for new topic {Topic}", topic.Name);
        }
        catch (TopicExitingException)
        {
        }
        finally
        {
            topic.ReleaseHold();
        }
    }

    private HttpClient Http => LazyInitializer.EnsureInitialized(ref _http, () => new HttpClient(new SocketsHttpHandler
    {
        ConnectTimeout = broker.Options.HttpClientConnectTimeout,
    })
    {
        Timeout = broker.Options.HttpClientRequestTimeout,
    });

    public void ChannelCreated(string topic, string channel) => Broadcast(new LookupCommand(true, topic, channel));

    public void ChannelDeleted(string topic, string channel) => Broadcast(new LookupCommand(false, topic, channel));

    /// <summary>A deleted topic's channels are unregistered first, then the topic.</summary>
    public void TopicDeleted(string topic, IEnumerable<string> channels)
    {
        lock (_lock)
        {
            if (!Active) return;
            foreach (var c in channels) EnqueueAllLocked(new LookupCommand(false, topic, c));
            EnqueueAllLocked(new LookupCommand(false, topic, null));
        }
    }

    /// <summary>
    /// What a (re)connected peer registers (spec §6.2): <c>REGISTER topic</c> for a topic without channels,
    /// <c>REGISTER topic channel</c> for every channel (lookupd registers the topic with it).
    /// </summary>
    internal List<LookupCommand> Snapshot()
    {
        var list = new List<LookupCommand>();
        foreach (var t in broker.Topics)
        {
            if (t.IsExiting) continue;
            var registered = false;
            foreach (var c in t.Channels)
            {
                if (c.IsExiting) continue;
                list.Add(new LookupCommand(true, t.Name, c.Name));
                registered = true;
            }
            if (!registered) list.Add(new LookupCommand(true, t.Name, null));
        }
        return list;
    }

    private bool Active => _started && !_stopped && !broker.IsExiting;

    private void Broadcast(LookupCommand command)
    {
        lock (_lock)
        {
            if (Active) EnqueueAllLocked(command);
        }
    }

    private void EnqueueAllLocked(LookupCommand command)
    {
        foreach (var p in _peers) p.Enqueue(command);
    }

    private void OnOptionsChanged()
    {
        lock (_lock)
        {
            if (Active) ApplyLocked(broker.Options.LookupdTcpAddresses);
        }
    }

    /// <summary>Keeps peers still listed, stops removed ones (connection closed), starts new ones (full REGISTER set).</summary>
    private void ApplyLocked(List<string> addresses)
    {
        var wanted = addresses.Where(a => !string.IsNullOrWhiteSpace(a)).Select(a => a.Trim()).Distinct(StringComparer.Ordinal).ToList();
        var next = new List<LookupPeer>();
        foreach (var p in _peers)
        {
            if (wanted.Contains(p.Address, StringComparer.Ordinal))
            {
                next.Add(p);
                continue;
            }
            broker.Logger.LogInformation("LOOKUP: removing peer {Address}", p.Address);
            _retiring.RemoveAll(t => t.IsCompleted);
            _retiring.Add(p.StopAsync());
        }
        foreach (var a in wanted)
        {
            if (next.Exists(p => p.Address == a)) continue;
            broker.Logger.LogInformation("LOOKUP: adding peer {Address}", a);
            var peer = new LookupPeer(a, broker, Settings, Snapshot);
            next.Add(peer);
            peer.Start();
        }
        Volatile.Write(ref _peers, [.. next]);
    }
}
