using System.Text.Json;
using Lookup.Core.Infrastructure;
using Lookup.Core.Registry;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Nsq.Protocol;
using Nsq.Protocol.Http;
using Nsq.Protocol.Lookup;
using NsqAspire.Daemon.Auth;
using NsqAspire.Daemon.Http;

namespace Lookup.Core.Http;

/// <summary>
/// Spec §6.3: nsqlookupd 1.3's HTTP API with the V1 conventions of §3.1: the <c>X-NSQ-Content-Type</c> header on every
/// response, exact path + method routing (405 with <c>Allow:</c>, 404 NOT_FOUND), parameters from the URL query only;
/// HTTP auth (<see cref="HttpAuthFilter"/>) before routing when configured.
/// </summary>
internal sealed class LookupHttpApi
{
    private const string V1HeaderName = "X-NSQ-Content-Type";
    private const string V1HeaderValue = "nsq; version=1.0";

    private static readonly ApiResult InvalidRequest = ApiResult.Error(400, "INVALID_REQUEST");
    private static readonly ApiResult MissingTopic = ApiResult.Error(400, "MISSING_ARG_TOPIC");

    private readonly LookupContext _ctx;
    private readonly Dictionary<string, Dictionary<string, Func<GoQuery, Task<ApiResult>>>> _routes = new(StringComparer.Ordinal);
    private readonly HttpAuthRules _authRules = new();
    /// <summary>Null when HTTP auth is off or has no credential source: then requests pay one null check.</summary>
    private readonly HttpAuthFilter? _auth;

    public LookupHttpApi(LookupContext context, AuthServerClient authServer)
    {
        _ctx = context;
        // Each route with the access HTTP auth asks of it (docs/http-auth.md); reads are open unless --http-auth=all.
        Map("GET", "/ping", _ => Task.FromResult(ApiResult.Text("OK")), HttpAccess.Open);
        Map("GET", "/info", _ => Task.FromResult(ApiResult.Json(
            JsonSerializer.SerializeToUtf8Bytes(new LookupInfoResponse { Version = LookupOptions.Version }, LookupJsonContext.Default.LookupInfoResponse))));
        Map("GET", "/debug", DebugAsync);
        Map("GET", "/lookup", LookupAsync);
        Map("GET", "/topics", TopicsAsync);
        Map("GET", "/channels", ChannelsAsync);
        Map("GET", "/nodes", NodesAsync);
        Map("POST", "/topic/create", TopicCreateAsync, HttpAccess.Publish);
        Map("POST", "/topic/delete", TopicDeleteAsync, HttpAccess.Publish);
        Map("POST", "/channel/create", ChannelCreateAsync, HttpAccess.Subscribe);
        Map("POST", "/channel/delete", ChannelDeleteAsync, HttpAccess.Subscribe);
        Map("POST", "/topic/tombstone", TombstoneAsync, HttpAccess.Publish);
        var options = context.Options;
        _auth = HttpAuthFilter.Create(HttpAuthModes.Parse(options.HttpAuth), options.HttpAuthTokens, authServer, _authRules, context.Logger);
    }

    private IRegistrationStore Store => _ctx.Store;

    private void Map(string method, string path, Func<GoQuery, Task<ApiResult>> handler, HttpAccess access = HttpAccess.Read)
    {
        _authRules.Add(method, path, access);
        if (!_routes.TryGetValue(path, out var byMethod)) _routes[path] = byMethod = new(StringComparer.Ordinal);
        byMethod[method] = handler;
    }

    public async Task HandleAsync(HttpContext http)
    {
        var response = http.Response;
        response.Headers[V1HeaderName] = V1HeaderValue;
        if (_auth is not null && !await _auth.AuthorizeAsync(http).ConfigureAwait(false)) return;
        var method = http.Request.Method;
        var path = http.Request.Path.Value ?? "/";
        ApiResult result;
        if (!_routes.TryGetValue(path, out var byMethod))
        {
            result = ApiResult.Error(404, "NOT_FOUND");
        }
        else if (!byMethod.TryGetValue(method, out var handler))
        {
            response.Headers.Allow = string.Join(", ", byMethod.Keys.Append("OPTIONS").Order(StringComparer.Ordinal));
            result = method == "OPTIONS" ? ApiResult.Empty : ApiResult.Error(405, "METHOD_NOT_ALLOWED");
        }
        else if (!GoQuery.TryParse(http.Request.QueryString.Value, out var query))
        {
            result = InvalidRequest;
        }
        else
        {
            try
            {
                result = await handler(query).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (!response.HasStarted)
            {
                _ctx.Logger.LogError(ex, "HTTP {Method} {Path} failed", method, path);
                result = ApiResult.Error(500, "INTERNAL_ERROR");
            }
        }
        await result.WriteAsync(response).ConfigureAwait(false);
    }

    private static ApiResult Json<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> info)
        => ApiResult.Json(JsonSerializer.SerializeToUtf8Bytes(value, info));

    private async Task<ApiResult> LookupAsync(GoQuery q)
    {
        if (q.Get("topic") is not { } topic) return MissingTopic;
        if ((await Store.FindRegistrationsAsync(Registration.TopicCategory, topic, "").ConfigureAwait(false)).Count == 0)
            return ApiResult.Error(404, "TOPIC_NOT_FOUND");
        var channels = await Store.FindRegistrationsAsync(Registration.ChannelCategory, topic, "*").ConfigureAwait(false);
        var producers = await Store.FindProducersAsync(Registration.TopicCategory, topic, "").ConfigureAwait(false);
        var now = _ctx.NowNs();
        var response = new LookupResponse
        {
            Channels = [.. channels.Select(r => r.SubKey)],
            Producers = [.. ProducerDedup.ByNode(producers.Where(p => IsActive(p, now) && !IsTombstoned(p, now))).Select(p => p.Info)],
        };
        return Json(response, LookupJsonContext.Default.LookupResponse);
    }

    private async Task<ApiResult> TopicsAsync(GoQuery q)
    {
        var topics = await Store.FindRegistrationsAsync(Registration.TopicCategory, "*", "").ConfigureAwait(false);
        return Json(new TopicsResponse { Topics = [.. topics.Select(r => r.Key)] }, LookupJsonContext.Default.TopicsResponse);
    }

    private async Task<ApiResult> ChannelsAsync(GoQuery q)
    {
        if (q.Get("topic") is not { } topic) return MissingTopic;
        var channels = await Store.FindRegistrationsAsync(Registration.ChannelCategory, topic, "*").ConfigureAwait(false);
        return Json(new ChannelsResponse { Channels = [.. channels.Select(r => r.SubKey)] }, LookupJsonContext.Default.ChannelsResponse);
    }

    /// <summary>Every identified nsqd active within the inactive timeout (tombstoned ones too), with its topics and the
    /// tombstone flag of each, aligned by index.</summary>
    private async Task<ApiResult> NodesAsync(GoQuery q)
    {
        var now = _ctx.NowNs();
        var clients = await Store.FindProducersAsync(Registration.ClientCategory, "", "").ConfigureAwait(false);
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            // Written by hand for nsqlookupd's key order (PeerInfo fields, then tombstones, then topics): System.Text.Json
            // puts a derived class's properties (NodeInfo's) before the base class's.
            w.WriteStartObject();
            w.WriteStartArray("producers");
            foreach (var p in ProducerDedup.ByNode(clients.Where(p => IsActive(p, now))))
            {
                List<string> topics = [];
                List<bool> tombstones = [];
                foreach (var (registration, producer) in await Store.LookupPeerAsync(p.PeerId).ConfigureAwait(false))
                {
                    if (registration.Category != Registration.TopicCategory) continue;
                    topics.Add(registration.Key);
                    tombstones.Add(IsTombstoned(producer, now));
                }
                w.WriteStartObject();
                w.WriteString("remote_address", p.Info.RemoteAddress);
                w.WriteString("hostname", p.Info.Hostname);
                w.WriteString("broadcast_address", p.Info.BroadcastAddress);
                w.WriteNumber("tcp_port", p.Info.TcpPort);
                w.WriteNumber("http_port", p.Info.HttpPort);
                w.WriteString("version", p.Info.Version);
                w.WriteString("topology_zone", p.Info.TopologyZone);
                w.WriteString("topology_region", p.Info.TopologyRegion);
                w.WriteStartArray("tombstones");
                foreach (var t in tombstones) w.WriteBooleanValue(t);
                w.WriteEndArray();
                w.WriteStartArray("topics");
                foreach (var t in topics) w.WriteStringValue(t);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return ApiResult.Json(stream.ToArray());
    }

    private async Task<ApiResult> TopicCreateAsync(GoQuery q)
    {
        if (q.Get("topic") is not { } topic) return MissingTopic;
        if (!Names.IsValid(topic)) return ApiResult.Error(400, "INVALID_ARG_TOPIC");
        if (await Store.AddRegistrationAsync(Registration.Topic(topic)).ConfigureAwait(false))
            _ctx.Logger.LogInformation("DB: adding topic({Topic})", topic);
        return ApiResult.Empty;
    }

    private async Task<ApiResult> TopicDeleteAsync(GoQuery q)
    {
        if (q.Get("topic") is not { } topic) return MissingTopic;
        foreach (var r in await Store.FindRegistrationsAsync(Registration.ChannelCategory, topic, "*").ConfigureAwait(false))
            await Store.RemoveRegistrationAsync(r).ConfigureAwait(false);
        foreach (var r in await Store.FindRegistrationsAsync(Registration.TopicCategory, topic, "").ConfigureAwait(false))
            await Store.RemoveRegistrationAsync(r).ConfigureAwait(false);
        return ApiResult.Empty;
    }

    private async Task<ApiResult> TombstoneAsync(GoQuery q)
    {
        if (q.Get("topic") is not { } topic) return MissingTopic;
        if (q.Get("node") is not { } node) return ApiResult.Error(400, "MISSING_ARG_NODE");
        _ctx.Logger.LogInformation("DB: setting tombstone for producer@{Node} of topic({Topic})", node, topic);
        await Store.TombstoneAsync(topic, node, _ctx.NowNs()).ConfigureAwait(false);
        return ApiResult.Empty;
    }

    private async Task<ApiResult> ChannelCreateAsync(GoQuery q)
    {
        if (TopicChannelArgs(q, out var topic, out var channel) is { } error) return error;
        await Store.AddRegistrationAsync(Registration.Channel(topic, channel)).ConfigureAwait(false);
        await Store.AddRegistrationAsync(Registration.Topic(topic)).ConfigureAwait(false);
        return ApiResult.Empty;
    }

    private async Task<ApiResult> ChannelDeleteAsync(GoQuery q)
    {
        if (TopicChannelArgs(q, out var topic, out var channel) is { } error) return error;
        var registrations = await Store.FindRegistrationsAsync(Registration.ChannelCategory, topic, channel).ConfigureAwait(false);
        if (registrations.Count == 0) return ApiResult.Error(404, "CHANNEL_NOT_FOUND");
        foreach (var r in registrations) await Store.RemoveRegistrationAsync(r).ConfigureAwait(false);
        return ApiResult.Empty;
    }

    /// <summary>nsq's <c>http_api.GetTopicChannelArgs</c>: the four 400s in this order.</summary>
    private static ApiResult? TopicChannelArgs(GoQuery q, out string topic, out string channel)
    {
        channel = "";
        topic = q.Get("topic") ?? "";
        if (q.Get("topic") is null) return MissingTopic;
        if (!Names.IsValid(topic)) return ApiResult.Error(400, "INVALID_ARG_TOPIC");
        if (q.Get("channel") is not { } c) return ApiResult.Error(400, "MISSING_ARG_CHANNEL");
        if (!Names.IsValid(c)) return ApiResult.Error(400, "INVALID_ARG_CHANNEL");
        channel = c;
        return null;
    }

    /// <summary>nsqlookupd's <c>/debug</c>: <c>"category:key:subkey"</c> → the producers under that key (keys without
    /// producers are absent), object keys in Go's sorted map order.</summary>
    private async Task<ApiResult> DebugAsync(GoQuery q)
    {
        var entries = new SortedDictionary<string, IReadOnlyList<ProducerRecord>>(StringComparer.Ordinal);
        foreach (var category in new[] { Registration.ClientCategory, Registration.TopicCategory, Registration.ChannelCategory })
        {
            foreach (var r in await Store.FindRegistrationsAsync(category, "*", "*").ConfigureAwait(false))
            {
                var producers = await Store.FindProducersAsync(r.Category, r.Key, r.SubKey).ConfigureAwait(false);
                if (producers.Count > 0) entries[$"{r.Category}:{r.Key}:{r.SubKey}"] = producers;
            }
        }
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            foreach (var (key, producers) in entries)
            {
                w.WriteStartArray(key);
                foreach (var p in producers)
                {
                    w.WriteStartObject();
                    w.WriteString("broadcast_address", p.Info.BroadcastAddress);
                    w.WriteString("hostname", p.Info.Hostname);
                    w.WriteNumber("http_port", p.Info.HttpPort);
                    w.WriteString("id", p.PeerId);
                    w.WriteNumber("last_update", p.LastUpdateNs);
                    w.WriteNumber("tcp_port", p.Info.TcpPort);
                    w.WriteBoolean("tombstoned", p.Tombstoned);
                    w.WriteNumber("tombstoned_at", p.Tombstoned ? p.TombstonedAtNs : GoZeroTimeUnixNano);
                    w.WriteString("topology_region", p.Info.TopologyRegion);
                    w.WriteString("topology_zone", p.Info.TopologyZone);
                    w.WriteString("version", p.Info.Version);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            w.WriteEndObject();
        }
        return ApiResult.Json(stream.ToArray());
    }

    /// <summary><c>time.Time{}.UnixNano()</c> in Go (an overflowed value nsqlookupd prints for "never tombstoned").</summary>
    internal const long GoZeroTimeUnixNano = -6795364578871345152;

    private bool IsActive(ProducerRecord p, long now) => now - p.LastUpdateNs <= Clock.ToNs(_ctx.Options.InactiveProducerTimeout);

    private bool IsTombstoned(ProducerRecord p, long now) => p.Tombstoned && now - p.TombstonedAtNs < Clock.ToNs(_ctx.Options.TombstoneLifetime);
}
