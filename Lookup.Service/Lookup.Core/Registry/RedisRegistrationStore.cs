using System.Globalization;
using System.Text.Json;
using Nsq.Protocol.Lookup;
using StackExchange.Redis;

namespace Lookup.Core.Registry;

/// <summary>
/// The RegistrationDB (spec §6.1) in Redis, shared by every lookup replica: each replica writes the registrations of the
/// nsqd connected to it, and every read answers from the union, so all replicas give the same answers and a restarted
/// replica answers at once.
/// <para>Layout (every key starts with the prefix, <c>nsqlookupd:</c> by default):</para>
/// <list type="bullet">
/// <item><c>regs</c> — set of registration keys, members <c>category:key:subkey</c> (topic and channel names hold no
/// <c>:</c>). A key stays there when its producers are gone (spec §6.1).</item>
/// <item><c>reg:&lt;category:key:subkey&gt;</c> — hash peer id → producer, encoded
/// <c>"&lt;lastUpdateNs&gt; &lt;0|1 tombstoned&gt; &lt;tombstonedAtNs&gt; &lt;PeerInfo JSON&gt;"</c> so Lua scripts can
/// touch and tombstone it without parsing JSON (Lua numbers would lose nanosecond precision).</item>
/// <item><c>peer:&lt;peerId&gt;</c> — set of the registrations that peer holds (RemovePeer, LookupPeer, Touch).</item>
/// <item><c>peers</c> — set of peer ids; <c>alive:&lt;peerId&gt;</c> — liveness key with expiry <see cref="PeerTtl"/>,
/// refreshed by AddProducer and Touch (IDENTIFY and PING). A peer whose key expired (its nsqd and the replica owning its
/// connection both died, so nobody called RemovePeer) is removed everywhere by <see cref="SweepDeadPeersAsync"/>, which
/// reads run at most every <see cref="SweepInterval"/>. Before that the HTTP layer already hides it by LastUpdateNs.</item>
/// <item><c>changes</c> — pub/sub channel; every change publishes its topic (empty for the <c>client</c> key). Every
/// instance subscribes and raises <see cref="Changed"/>, for changes of any replica including its own.</item>
/// </list>
/// Every write is one Lua script, so it is atomic. Targets a single Redis (or a primary with replicas), not Redis Cluster:
/// the scripts touch keys they compute themselves.
/// </summary>
public sealed class RedisRegistrationStore : IRegistrationStore, IDisposable, IAsyncDisposable
{
    private readonly IConnectionMultiplexer _redis;
    private readonly IDatabase _db;
    private readonly string _prefix;
    private readonly RedisChannel _changes;
    private readonly Action<RedisChannel, RedisValue> _onMessage;
    private readonly bool _ownsConnection;
    private long _nextSweepAt;
    private int _disposed;

    public RedisRegistrationStore(IConnectionMultiplexer redis, string keyPrefix = "nsqlookupd:")
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentNullException.ThrowIfNull(keyPrefix);
        _redis = redis;
        _db = redis.GetDatabase();
        _prefix = keyPrefix;
        _changes = RedisChannel.Literal(keyPrefix + "changes");
        _onMessage = (_, message) =>
        {
            InvalidateReads();
            Changed?.Invoke(message.IsNullOrEmpty ? "" : message.ToString());
        };
        // Synchronous so that, once constructed, the store hears every later change (tests and the gRPC stream rely on it).
        redis.GetSubscriber().Subscribe(_changes, _onMessage);
    }

    /// <summary>For the lookup host: <see cref="PeerTtl"/> = 3 × <see cref="LookupOptions.InactiveProducerTimeout"/>
    /// (at least a minute). With <paramref name="ownsConnection"/> (the default here) disposing the store closes
    /// <paramref name="redis"/>, so <c>new RedisRegistrationStore(ConnectionMultiplexer.Connect(options.Redis), options)</c>
    /// leaks nothing.</summary>
    public RedisRegistrationStore(IConnectionMultiplexer redis, LookupOptions options, bool ownsConnection = true,
        string keyPrefix = "nsqlookupd:")
        : this(redis, keyPrefix)
    {
        ArgumentNullException.ThrowIfNull(options);
        _ownsConnection = ownsConnection;
        var ttl = options.InactiveProducerTimeout * 3;
        PeerTtl = ttl < TimeSpan.FromMinutes(1) ? TimeSpan.FromMinutes(1) : ttl;
    }

    /// <summary>How long a peer lives in Redis without AddProducer/Touch before any replica removes it. Default 15 min,
    /// three times nsqlookupd's default <c>--inactive-producer-timeout</c> (5 min): use a multiple of that option.</summary>
    public TimeSpan PeerTtl { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Reads sweep dead peers at most this often (default 1 s).</summary>
    public TimeSpan SweepInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a read may be served from this replica's cache (0 disables the cache).</summary>
    public TimeSpan ReadCacheTtl { get; init; } = TimeSpan.FromMilliseconds(500);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (long Generation, long ExpiresMs, object Value)> _reads = new(StringComparer.Ordinal);
    private long _readGeneration;

    /// <inheritdoc />
    public event Action<string>? Changed;

    /// <inheritdoc />
    public async Task<bool> AddRegistrationAsync(Registration registration)
    {
        var added = await EvalAsync(AddRegistrationScript, Member(registration), TopicOf(registration)).ConfigureAwait(false);
        return (long)added == 1;
    }

    /// <inheritdoc />
    public Task RemoveRegistrationAsync(Registration registration)
        => EvalAsync(RemoveRegistrationScript, Member(registration), TopicOf(registration));

    /// <summary>As nsqlookupd (and <see cref="MemoryRegistrationStore"/>): a producer already under the key (same peer
    /// id) is kept as it is, so a repeated REGISTER neither clears its tombstone nor counts as new. Either way the peer's
    /// liveness is refreshed.</summary>
    public async Task<bool> AddProducerAsync(Registration registration, ProducerRecord producer)
    {
        ArgumentNullException.ThrowIfNull(producer);
        var added = await EvalAsync(AddProducerScript, Member(registration), producer.PeerId, Encode(producer),
            TtlMs(), TopicOf(registration)).ConfigureAwait(false);
        return (long)added == 1;
    }

    /// <inheritdoc />
    public async Task<int> RemoveProducerAsync(Registration registration, string peerId)
    {
        ArgumentNullException.ThrowIfNull(peerId);
        var left = await EvalAsync(RemoveProducerScript, Member(registration), peerId, TopicOf(registration)).ConfigureAwait(false);
        return (int)left;
    }

    /// <inheritdoc />
    public Task TouchAsync(string peerId, long lastUpdateNs)
    {
        ArgumentNullException.ThrowIfNull(peerId);
        return EvalAsync(TouchScript, peerId, lastUpdateNs.ToString(CultureInfo.InvariantCulture), TtlMs());
    }

    /// <inheritdoc />
    public async Task TombstoneAsync(string topic, string node, long nowNs)
    {
        ArgumentNullException.ThrowIfNull(topic);
        ArgumentNullException.ThrowIfNull(node);
        var registration = Registration.Topic(topic);
        var entries = await _db.HashGetAllAsync(RegKey(Member(registration))).ConfigureAwait(false);
        var args = new List<RedisValue> { _prefix, Member(registration), nowNs.ToString(CultureInfo.InvariantCulture), topic };
        foreach (var entry in entries)
        {
            var producer = Decode(entry.Name.ToString(), entry.Value.ToString());
            if (producer is not null && NodeOf(producer.Info) == node)
            {
                args.Add(entry.Name);
            }
        }

        if (args.Count > 4)
        {
            await _db.ScriptEvaluateAsync(TombstoneScript, values: [.. args]).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public Task RemovePeerAsync(string peerId)
    {
        ArgumentNullException.ThrowIfNull(peerId);
        return EvalAsync(RemovePeerScript, peerId);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<Registration>> FindRegistrationsAsync(string category, string key, string subKey)
        => CachedAsync($"r|{category}|{key}|{subKey}", () => FindRegistrationsUncachedAsync(category, key, subKey));

    private async Task<IReadOnlyList<Registration>> FindRegistrationsUncachedAsync(string category, string key, string subKey)
    {
        ArgumentNullException.ThrowIfNull(category);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(subKey);
        if (key != "*" && subKey != "*")
        {
            var exact = new Registration(category, key, subKey);
            return await _db.SetContainsAsync(RegsKey, Member(exact)).ConfigureAwait(false) ? [exact] : [];
        }

        var members = await _db.SetMembersAsync(RegsKey).ConfigureAwait(false);
        var result = new List<Registration>();
        foreach (var member in members)
        {
            if (TryParseMember(member.ToString(), out var registration) && registration.Matches(category, key, subKey))
            {
                result.Add(registration);
            }
        }

        return result;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ProducerRecord>> FindProducersAsync(string category, string key, string subKey)
        => CachedAsync($"p|{category}|{key}|{subKey}", () => FindProducersUncachedAsync(category, key, subKey));

    private async Task<IReadOnlyList<ProducerRecord>> FindProducersUncachedAsync(string category, string key, string subKey)
    {
        await SweepIfDueAsync().ConfigureAwait(false);
        var registrations = await FindRegistrationsUncachedAsync(category, key, subKey).ConfigureAwait(false);
        var reads = registrations.Select(r => _db.HashGetAllAsync(RegKey(Member(r)))).ToArray();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<ProducerRecord>();
        foreach (var read in reads)
        {
            foreach (var entry in await read.ConfigureAwait(false))
            {
                var peerId = entry.Name.ToString();
                if (seen.Add(peerId) && Decode(peerId, entry.Value.ToString()) is { } producer)
                {
                    result.Add(producer);
                }
            }
        }

        return result;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<(Registration Registration, ProducerRecord Producer)>> LookupPeerAsync(string peerId)
    {
        ArgumentNullException.ThrowIfNull(peerId);
        return CachedAsync($"l|{peerId}", () => LookupPeerUncachedAsync(peerId));
    }

    private async Task<IReadOnlyList<(Registration Registration, ProducerRecord Producer)>> LookupPeerUncachedAsync(string peerId)
    {
        await SweepIfDueAsync().ConfigureAwait(false);
        var members = await _db.SetMembersAsync(PeerKey(peerId)).ConfigureAwait(false);
        var reads = members.Select(m => (Member: m.ToString(), Value: _db.HashGetAsync(RegKey(m.ToString()), peerId))).ToArray();
        var result = new List<(Registration, ProducerRecord)>();
        foreach (var (member, read) in reads)
        {
            var value = await read.ConfigureAwait(false);
            if (!value.IsNull && TryParseMember(member, out var registration) && Decode(peerId, value.ToString()) is { } producer)
            {
                result.Add((registration, producer));
            }
        }

        return result;
    }

    /// <summary>Removes, from every registration, the peers whose liveness key expired. Returns how many.</summary>
    public async Task<int> SweepDeadPeersAsync()
    {
        var removed = await EvalAsync(SweepScript).ConfigureAwait(false);
        return (int)removed;
    }

    /// <summary>Stops listening to changes; closes the multiplexer only when the store owns it.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _redis.GetSubscriber().Unsubscribe(_changes, _onMessage);
            if (_ownsConnection)
            {
                _redis.Dispose();
            }
        }
    }

    /// <inheritdoc cref="Dispose" />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await _redis.GetSubscriber().UnsubscribeAsync(_changes, _onMessage).ConfigureAwait(false);
            if (_ownsConnection)
            {
                await _redis.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task SweepIfDueAsync()
    {
        var now = Environment.TickCount64;
        var due = Interlocked.Read(ref _nextSweepAt);
        if (now >= due && Interlocked.CompareExchange(ref _nextSweepAt, now + (long)SweepInterval.TotalMilliseconds, due) == due)
        {
            await SweepDeadPeersAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Every write goes through here: the local read cache is dropped as soon as this replica changes something.</summary>
    private async Task<RedisResult> EvalAsync(string script, params RedisValue[] args)
    {
        try
        {
            return await _db.ScriptEvaluateAsync(script, values: [_prefix, .. args]).ConfigureAwait(false);
        }
        finally
        {
            InvalidateReads();
        }
    }

    /// <summary>
    /// Reads are cached for <see cref="ReadCacheTtl"/> and dropped on any change this replica makes or hears of (pub/sub),
    /// so a hot <c>/lookup</c> costs one Redis round trip per TTL instead of three per request. Producer liveness can be
    /// at most one TTL stale (touches do not publish), which is far below the inactive-producer timeout.
    /// </summary>
    private async Task<T> CachedAsync<T>(string key, Func<Task<T>> load) where T : class
    {
        if (ReadCacheTtl <= TimeSpan.Zero) return await load().ConfigureAwait(false);
        var generation = Volatile.Read(ref _readGeneration);
        var now = Environment.TickCount64;
        if (_reads.TryGetValue(key, out var hit) && hit.Generation == generation && hit.ExpiresMs > now) return (T)hit.Value;
        var value = await load().ConfigureAwait(false);
        if (_reads.Count > 10_000) _reads.Clear();
        // Stamped with the generation seen before loading: a change during the load makes the entry stale at once.
        _reads[key] = (generation, now + (long)ReadCacheTtl.TotalMilliseconds, value);
        return value;
    }

    private void InvalidateReads() => Interlocked.Increment(ref _readGeneration);

    private RedisValue TtlMs() => Math.Max(1L, (long)PeerTtl.TotalMilliseconds);

    private RedisKey RegsKey => _prefix + "regs";

    private RedisKey RegKey(string member) => _prefix + "reg:" + member;

    private RedisKey PeerKey(string peerId) => _prefix + "peer:" + peerId;

    private static string Member(Registration r) => $"{r.Category}:{r.Key}:{r.SubKey}";

    private static string TopicOf(Registration r) => r.Category == Registration.ClientCategory ? "" : r.Key;

    private static string NodeOf(PeerInfo info) => $"{info.BroadcastAddress}:{info.HttpPort.ToString(CultureInfo.InvariantCulture)}";

    private static bool TryParseMember(string member, out Registration registration)
    {
        var parts = member.Split(':', 3);
        registration = parts.Length == 3 ? new Registration(parts[0], parts[1], parts[2]) : default;
        return parts.Length == 3;
    }

    private static string Encode(ProducerRecord p)
        => string.Create(CultureInfo.InvariantCulture,
            $"{p.LastUpdateNs} {(p.Tombstoned ? 1 : 0)} {p.TombstonedAtNs} {JsonSerializer.Serialize(p.Info, LookupJsonContext.Default.PeerInfo)}");

    /// <summary>Decodes a hash value written by <see cref="Encode"/> or the scripts; null when malformed.</summary>
    private static ProducerRecord? Decode(string peerId, string value)
    {
        var parts = value.Split(' ', 4);
        if (parts.Length != 4
            || !long.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var lastUpdate)
            || !long.TryParse(parts[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var tombstonedAt))
        {
            return null;
        }

        PeerInfo? info;
        try
        {
            info = JsonSerializer.Deserialize(parts[3], LookupJsonContext.Default.PeerInfo);
        }
        catch (JsonException)
        {
            return null;
        }

        return info is null ? null : new ProducerRecord
        {
            PeerId = peerId,
            Info = info,
            LastUpdateNs = lastUpdate,
            Tombstoned = parts[1] == "1",
            TombstonedAtNs = tombstonedAt,
        };
    }

    // ---- Lua. ARGV[1] is always the key prefix. --------------------------------------------------------------------

    /// <summary>Shared helpers: the topic of a member, and removing one peer everywhere (collecting changed topics).</summary>
    private const string Helpers = """
        local prefix = ARGV[1]
        local function topic_of(member)
          local category, key = string.match(member, '^([^:]*):([^:]*):')
          if category == nil or category == 'client' then return '' end
          return key
        end
        local function remove_peer(peer, topics)
          local peer_key = prefix .. 'peer:' .. peer
          for _, member in ipairs(redis.call('SMEMBERS', peer_key)) do
            if redis.call('HDEL', prefix .. 'reg:' .. member, peer) == 1 then
              topics[topic_of(member)] = true
            end
          end
          redis.call('DEL', peer_key, prefix .. 'alive:' .. peer)
          redis.call('SREM', prefix .. 'peers', peer)
        end
        local function publish_all(topics)
          for topic, _ in pairs(topics) do
            redis.call('PUBLISH', prefix .. 'changes', topic)
          end
        end

        """;

    // ARGV: prefix, member, topic
    private const string AddRegistrationScript = """
        local added = redis.call('SADD', ARGV[1] .. 'regs', ARGV[2])
        if added == 1 then redis.call('PUBLISH', ARGV[1] .. 'changes', ARGV[3]) end
        return added
        """;

    // ARGV: prefix, member, topic
    private const string RemoveRegistrationScript = """
        local prefix, member = ARGV[1], ARGV[2]
        local reg_key = prefix .. 'reg:' .. member
        local existed = redis.call('SREM', prefix .. 'regs', member)
        local peers = redis.call('HKEYS', reg_key)
        for _, peer in ipairs(peers) do
          redis.call('SREM', prefix .. 'peer:' .. peer, member)
        end
        redis.call('DEL', reg_key)
        if existed == 1 or #peers > 0 then redis.call('PUBLISH', prefix .. 'changes', ARGV[3]) end
        return existed
        """;

    // ARGV: prefix, member, peer, encoded producer, ttl ms, topic
    private const string AddProducerScript = """
        local prefix, member, peer = ARGV[1], ARGV[2], ARGV[3]
        redis.call('SADD', prefix .. 'regs', member)
        local added = redis.call('HSETNX', prefix .. 'reg:' .. member, peer, ARGV[4])
        redis.call('SADD', prefix .. 'peer:' .. peer, member)
        redis.call('SADD', prefix .. 'peers', peer)
        redis.call('SET', prefix .. 'alive:' .. peer, '1', 'PX', ARGV[5])
        if added == 1 then redis.call('PUBLISH', prefix .. 'changes', ARGV[6]) end
        return added
        """;

    // ARGV: prefix, member, peer, topic
    private const string RemoveProducerScript = """
        local prefix, member, peer = ARGV[1], ARGV[2], ARGV[3]
        local reg_key = prefix .. 'reg:' .. member
        if redis.call('HDEL', reg_key, peer) == 1 then
          redis.call('SREM', prefix .. 'peer:' .. peer, member)
          redis.call('PUBLISH', prefix .. 'changes', ARGV[4])
        end
        return redis.call('HLEN', reg_key)
        """;

    // ARGV: prefix, peer, lastUpdateNs, ttl ms. Not a topology change: no publish (every PING would wake the streams).
    private const string TouchScript = """
        local prefix, peer, last_update = ARGV[1], ARGV[2], ARGV[3]
        if redis.call('SISMEMBER', prefix .. 'peers', peer) == 0 then return 0 end
        local touched = 0
        for _, member in ipairs(redis.call('SMEMBERS', prefix .. 'peer:' .. peer)) do
          local reg_key = prefix .. 'reg:' .. member
          local value = redis.call('HGET', reg_key, peer)
          if value then
            local rest = string.match(value, '^%S+ (.*)$')
            if rest then
              redis.call('HSET', reg_key, peer, last_update .. ' ' .. rest)
              touched = touched + 1
            end
          end
        end
        redis.call('SET', prefix .. 'alive:' .. peer, '1', 'PX', ARGV[4])
        return touched
        """;

    // ARGV: prefix, member, nowNs, topic, peer ids...
    private const string TombstoneScript = """
        local prefix, member, now = ARGV[1], ARGV[2], ARGV[3]
        local reg_key = prefix .. 'reg:' .. member
        local changed = 0
        for i = 5, #ARGV do
          local value = redis.call('HGET', reg_key, ARGV[i])
          if value then
            local last_update, rest = string.match(value, '^(%S+) %S+ %S+ (.*)$')
            if last_update then
              redis.call('HSET', reg_key, ARGV[i], last_update .. ' 1 ' .. now .. ' ' .. rest)
              changed = changed + 1
            end
          end
        end
        if changed > 0 then redis.call('PUBLISH', prefix .. 'changes', ARGV[4]) end
        return changed
        """;

    // ARGV: prefix, peer
    private const string RemovePeerScript = Helpers + """
        local topics = {}
        remove_peer(ARGV[2], topics)
        publish_all(topics)
        return 0
        """;

    // ARGV: prefix
    private const string SweepScript = Helpers + """
        local topics = {}
        local removed = 0
        for _, peer in ipairs(redis.call('SMEMBERS', prefix .. 'peers')) do
          if redis.call('EXISTS', prefix .. 'alive:' .. peer) == 0 then
            remove_peer(peer, topics)
            removed = removed + 1
          end
        end
        publish_all(topics)
        return removed
        """;
}
