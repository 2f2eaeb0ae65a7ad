using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using NsqAspire.Daemon.Auth;
using Nsqd.Core.Storage;
using Nsqd.Core.Tcp;
using Nsqd.Core.Topics;

namespace Nsqd.Core;

/// <summary>
/// The broker's state: topics, connected clients, health, storage. The TCP sessions and the HTTP API both act on it.
/// </summary>
internal sealed partial class Broker
{
    private readonly ConcurrentDictionary<string, Topic> _topics = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<long, ClientSession> _clients = new();
    private readonly Lock _metadataLock = new();
    private volatile string? _healthError;
    private bool _loading;
    private long _nextClientId;

    public Broker(NsqdOptions options, ILogger logger)
    {
        Options = options;
        Logger = logger;
        Storage = new BrokerStorage(options, msg => logger.LogWarning("{Message}", msg));
        if (options.IsDurable) Commit = new GroupCommit(msg => logger.LogError("{Message}", msg));
        TopicLookup = _topics.GetAlternateLookup<ReadOnlySpan<char>>();
        StartTime = DateTimeOffset.UtcNow;
        AuthClient = new AuthServerClient(new AuthServerSettings(options.AuthHttpAddresses, options.AuthHttpRequestMethod,
            options.HttpClientConnectTimeout, options.HttpClientRequestTimeout));
        Tls = options.TlsEnabled ? new TlsSettings(options) : null;
        Lookup = new Nsqd.Core.Lookup.LookupManager(this);
        Metrics = new Telemetry.NsqdMetrics(this);
    }

    /// <summary>The broker's "Nsqd" meter (observable instruments over the counters below); disposed on stop.</summary>
    public Telemetry.NsqdMetrics Metrics { get; }

    /// <summary>The lookupd peers (spec §6.2 nsqd side); notified of topic/channel creations and deletions.</summary>
    public Nsqd.Core.Lookup.LookupManager Lookup { get; }

    /// <summary>The auth servers of TCP AUTH and HTTP auth (one client, so one connection pool).</summary>
    public AuthServerClient AuthClient { get; }
    /// <summary>Null unless --tls-cert and --tls-key are set.</summary>
    public TlsSettings? Tls { get; }

    public NsqdOptions Options { get; }
    /// <summary>The ports actually bound (what /info reports; -1 when not listening).</summary>
    public int ListeningTcpPort { get; set; } = -1;
    public int ListeningHttpPort { get; set; } = -1;
    public ILogger Logger { get; }
    public BrokerStorage Storage { get; }
    /// <summary>The group commit of <c>--durability=durable</c>; null in memory mode.</summary>
    public GroupCommit? Commit { get; }
    public DateTimeOffset StartTime { get; }
    public bool IsExiting { get; private set; }
    private ConcurrentDictionary<string, Topic>.AlternateLookup<ReadOnlySpan<char>> TopicLookup { get; }

    /// <summary><c>OK</c>, or <c>NOK - &lt;last disk error&gt;</c> (spec §3.5).</summary>
    public string Health => _healthError is { } e ? $"NOK - {e}" : "OK";
    public bool IsHealthy => _healthError is null;
    public void SetHealth(string error) => _healthError = error;
    public void ClearHealth()
    {
        if (_healthError is not null) _healthError = null;
    }

    public IEnumerable<Topic> Topics => _topics.Values;
    public IEnumerable<ClientSession> Clients => _clients.Values;
    public int ClientCount => _clients.Count;

    public long RegisterClient(ClientSession c)
    {
        var id = Interlocked.Increment(ref _nextClientId);
        _clients[id] = c;
        return id;
    }

    public void UnregisterClient(long id) => _clients.TryRemove(id, out _);

    public Topic? FindTopic(string name) => _topics.GetValueOrDefault(name);

    /// <summary>Looks a topic up by its ASCII name bytes without allocating a string (the publish path).</summary>
    public Topic? FindTopic(ReadOnlySpan<byte> asciiName)
    {
        Span<char> chars = stackalloc char[asciiName.Length];
        for (var i = 0; i < asciiName.Length; i++) chars[i] = (char)asciiName[i];
        return TopicLookup.TryGetValue(chars, out var t) ? t : null;
    }

    public Topic GetOrCreateTopic(string name)
    {
        if (_topics.TryGetValue(name, out var t)) return t;
        lock (_metadataLock)
        {
            if (_topics.TryGetValue(name, out t)) return t;
            if (IsExiting) throw new TopicExitingException();
            t = new Topic(name, this);
            _topics[name] = t;
        }
        OnMetadataChanged();
        Lookup.TopicCreated(t);
        return t;
    }

    public bool DeleteTopic(string name)
    {
        if (!_topics.TryRemove(name, out var t)) return false;
        var channels = Array.ConvertAll(t.Channels, c => c.Name);
        t.Delete();
        OnMetadataChanged();
        Lookup.TopicDeleted(name, channels);
        return true;
    }

    /// <summary>nsqd.dat is rewritten on every create/delete/pause (not while loading it).</summary>
    public void OnMetadataChanged()
    {
        if (_loading) return;
        PersistMetadata();
    }

    public void PersistMetadata()
    {
        lock (_metadataLock)
        {
            var md = new Metadata();
            foreach (var t in _topics.Values)
            {
                if (t.IsEphemeral || t.IsExiting) continue;
                var chans = new List<ChannelMetadata>();
                foreach (var c in t.Channels)
                    if (!c.IsEphemeral && !c.IsExiting) chans.Add(new ChannelMetadata { Name = c.Name, Paused = c.IsPaused, Config = c.Policy.IsOff ? null : c.Policy.ToConfig() });
                md.Topics.Add(new TopicMetadata { Name = t.Name, Paused = t.IsPaused, Channels = chans.Count > 0 ? chans : null });
            }
            try
            {
                Storage.SaveMetadata(md);
            }
            catch (IOException ex)
            {
                Logger.LogError(ex, "failed to persist metadata");
            }
        }
    }

    /// <summary>A channel's policies from nsqd.dat; values the HTTP API would refuse are skipped with a warning.</summary>
    private void LoadPolicy(Channel c, Nsq.Protocol.Http.ChannelConfig config)
    {
        var policy = ChannelPolicy.From(config);
        if (policy.Validate(c.Topic.Name) is { } error)
        {
            Logger.LogWarning("skipping the config of channel {Topic}:{Channel} in nsqd.dat: {Error}", c.Topic.Name, c.Name, error);
            return;
        }
        c.SetPolicy(policy);
    }

    /// <summary>Spec §5.2 loading: invalid names skipped with a warning, channels created and paused, then topics start.</summary>
    public void LoadMetadata()
    {
        var md = Storage.LoadMetadata();
        if (md is null) return;
        _loading = true;
        try
        {
            foreach (var tm in md.Topics)
            {
                if (!Nsq.Protocol.Names.IsValid(tm.Name))
                {
                    Logger.LogWarning("skipping creation of invalid topic {Topic}", tm.Name);
                    continue;
                }
                var t = GetOrCreateTopic(tm.Name);
                if (tm.Paused) t.SetPaused(true);
                foreach (var cm in tm.Channels ?? [])
                {
                    if (!Nsq.Protocol.Names.IsValid(cm.Name))
                    {
                        Logger.LogWarning("skipping creation of invalid channel {Channel}", cm.Name);
                        continue;
                    }
                    var c = t.GetOrCreateChannel(cm.Name, out _);
                    if (cm.Paused) c.SetPaused(true);
                    if (cm.Config is { } config) LoadPolicy(c, config);
                }
            }
        }
        finally
        {
            _loading = false;
        }
    }
}
