using Nsq.Protocol.Http;
using Nsqd.Core.Tcp;
using Nsqd.Core.Topics;

namespace Nsqd.Core.Http;

/// <summary>
/// Spec §3.3: the /stats model, as nsqd's GetStats builds it. Topics and channels sorted by name (ordinal, like Go's
/// string compare). <c>topics</c> is null when the <c>topic=</c> filter names no topic or no topic exists (spec §3.3),
/// and an empty list when topics exist but the channel filter matched none.
/// </summary>
internal static class StatsCollector
{
    private const string ProtocolVersion = "V2";

    public static StatsResponse Collect(Broker broker, string topicFilter, string channelFilter, bool includeClients, bool includeMem)
    {
        return new StatsResponse
        {
            Version = NsqdOptions.Version,
            Health = broker.Health,
            StartTime = broker.StartTime.ToUnixTimeSeconds(),
            Topics = CollectTopics(broker, topicFilter, channelFilter, includeClients),
            Memory = includeMem ? MemoryStatsReader.Read() : null,
            Producers = includeClients ? CollectProducers(broker, topicFilter) : null,
        };
    }

    private static List<TopicStats>? CollectTopics(Broker broker, string topicFilter, string channelFilter, bool includeClients)
    {
        Topic[] topics;
        if (topicFilter.Length == 0)
        {
            topics = [.. broker.Topics];
            // Spec §3.3: "null when no topic matches the filter / none exist".
            if (topics.Length == 0) return null;
            Array.Sort(topics, static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        }
        else if (broker.FindTopic(topicFilter) is { } one)
        {
            topics = [one];
        }
        else
        {
            return null;
        }

        var result = new List<TopicStats>(topics.Length);
        foreach (var t in topics)
        {
            Channel[] channels;
            if (channelFilter.Length == 0)
            {
                channels = [.. t.Channels];
                Array.Sort(channels, static (a, b) => string.CompareOrdinal(a.Name, b.Name));
            }
            else if (t.FindChannel(channelFilter) is { } c)
            {
                channels = [c];
            }
            else
            {
                continue;
            }

            var channelStats = new List<ChannelStats>(channels.Length);
            foreach (var c in channels) channelStats.Add(ChannelToStats(c, topicFilter, includeClients));
            var (depth, backendDepth) = t.Depth();
            result.Add(new TopicStats
            {
                TopicName = t.Name,
                Channels = channelStats,
                Depth = depth,
                BackendDepth = backendDepth,
                BackendBadSegments = t.BadSegments is > 0 and var tb ? tb : null,
                BackendCorruptRecords = t.CorruptRecords is > 0 and var tr ? tr : null,
                MessageCount = Interlocked.Read(ref t.MessageCount),
                MessageBytes = Interlocked.Read(ref t.MessageBytes),
                Paused = t.IsPaused,
                E2eProcessingLatency = AggregateLatency(t.Channels),
            });
        }
        return result;
    }

    private static ChannelStats ChannelToStats(Channel c, string topicFilter, bool includeClients)
    {
        var clients = c.Clients;
        List<ClientStats>? clientStats = null;
        if (includeClients)
        {
            clientStats = new List<ClientStats>(clients.Length);
            foreach (var client in clients) clientStats.Add(ClientToStats(client, topicFilter));
        }
        var s = c.Snapshot();
        var policy = c.Policy;
        return new ChannelStats
        {
            ChannelName = c.Name,
            Depth = s.Depth,
            BackendDepth = s.BackendDepth,
            BackendBadSegments = c.BadSegments is > 0 and var cb ? cb : null,
            BackendCorruptRecords = c.CorruptRecords is > 0 and var cr ? cr : null,
            // Only while the setting is on: a channel without policies has exactly nsqd's keys.
            DeadLetterCount = policy.MaxAttempts > 0 ? Interlocked.Read(ref c.DeadLetterCount) : null,
            ExpiredCount = policy.MessageTtlMs > 0 ? Interlocked.Read(ref c.ExpiredCount) : null,
            OverflowCount = policy.MaxDepth > 0 ? Interlocked.Read(ref c.OverflowCount) : null,
            InFlightCount = s.InFlight,
            DeferredCount = s.Deferred,
            MessageCount = s.MessageCount,
            RequeueCount = s.RequeueCount,
            TimeoutCount = s.TimeoutCount,
            ClientCount = clients.Length,
            Clients = clientStats,
            Paused = s.Paused,
            E2eProcessingLatency = Latency(c.E2E),
        };
    }

    /// <summary>Producers: TCP clients that have published (HTTP publishers never appear), in connection order.</summary>
    private static List<ClientStats>? CollectProducers(Broker broker, string topicFilter)
    {
        List<ClientStats>? producers = null;
        foreach (var c in broker.Clients.Where(c => c.IsProducer).OrderBy(c => c.Id))
            (producers ??= []).Add(ClientToStats(c, topicFilter));
        return producers;
    }

    /// <summary>
    /// One client. <c>pub_counts</c> lists every topic the client published to, sorted by name (nsqd 1.3 lists only one —
    /// spec A.2 item 7, deliberately not replicated), or just the filtered topic with a <c>topic=</c> filter.
    /// </summary>
    public static ClientStats ClientToStats(ClientSession c, string topicFilter)
    {
        List<PubCount>? pubCounts = null;
        foreach (var pc in c.PubCounts.OrderBy(p => p.Topic.Name, StringComparer.Ordinal))
        {
            if (topicFilter.Length > 0 && pc.Topic.Name != topicFilter) continue;
            (pubCounts ??= []).Add(new PubCount { Topic = pc.Topic.Name, Count = Interlocked.Read(ref pc.Count) });
        }
        var auth = c.AuthInfo;
        var tls = c.Tls;
        return new ClientStats
        {
            ClientId = c.ClientId,
            Hostname = c.Hostname,
            Version = ProtocolVersion,
            RemoteAddress = c.RemoteEndPoint?.ToString() ?? "",
            State = (int)c.State,
            ReadyCount = Interlocked.Read(ref c.ReadyCount),
            InFlightCount = Volatile.Read(ref c.InFlightCount),
            MessageCount = Interlocked.Read(ref c.MessageCount),
            FinishCount = Interlocked.Read(ref c.FinishCount),
            RequeueCount = Interlocked.Read(ref c.RequeueCount),
            ConnectTs = c.ConnectTs,
            SampleRate = c.SampleRate,
            Deflate = c.Deflate,
            Snappy = c.Snappy,
            UserAgent = c.UserAgent,
            Authed = auth is { Grants.Count: > 0 } ? true : null,
            AuthIdentity = string.IsNullOrEmpty(auth?.Identity) ? null : auth.Identity,
            AuthIdentityUrl = string.IsNullOrEmpty(auth?.IdentityUrl) ? null : auth.IdentityUrl,
            PubCounts = pubCounts,
            Tls = tls is not null,
            TlsCipherSuite = tls?.CipherSuite ?? "",
            TlsVersion = tls?.Version ?? "",
            TlsNegotiatedProtocol = tls?.NegotiatedProtocol ?? "",
            TlsNegotiatedProtocolIsMutual = tls?.Mutual ?? false,
        };
    }

    /// <summary>A channel's latency; percentiles null when e2e tracking is off.</summary>
    private static LatencyResult Latency(LatencyStats stats)
    {
        var (count, values) = stats.Snapshot();
        return new LatencyResult
        {
            Count = count,
            Percentiles = values?.ConvertAll(v => new LatencyPercentile { Quantile = v.Quantile, Value = v.Value }),
        };
    }

    /// <summary>
    /// A topic's latency merges its channels' (null percentiles when it has none or tracking is off). nsqd merges the
    /// channels' sample streams; the channels expose only their percentiles here, so the topic reports, per quantile,
    /// the highest channel value (an upper bound) and the summed count.
    /// </summary>
    private static LatencyResult AggregateLatency(Channel[] channels)
    {
        var result = new LatencyResult();
        foreach (var c in channels)
        {
            var (count, values) = c.E2E.Snapshot();
            if (values is null) continue;
            result.Count += count;
            if (result.Percentiles is null)
            {
                result.Percentiles = values.ConvertAll(v => new LatencyPercentile { Quantile = v.Quantile, Value = v.Value });
                continue;
            }
            for (var i = 0; i < values.Count && i < result.Percentiles.Count; i++)
                result.Percentiles[i].Value = Math.Max(result.Percentiles[i].Value, values[i].Value);
        }
        return result;
    }
}
