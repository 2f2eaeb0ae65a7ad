using System.Text.Json;
using Nsq.Protocol.Http;
using NsqAspire.Daemon.Http;

namespace Nsqd.Core.Http;

/// <summary>Spec §3.3/§3.4: <c>GET /stats</c> — text by default, JSON with <c>format=json</c>.</summary>
internal sealed partial class NsqdHttpApi
{
    private ValueTask<ApiResult> Stats(ApiRequest req)
    {
        if (!req.TryGetQuery(out var q)) return new(ApiRequest.InvalidRequest);
        var json = q.Get("format") == "json";
        var includeClients = GoQuery.ParseBool(q.Get("include_clients")) ?? true;
        var includeMem = GoQuery.ParseBool(q.Get("include_mem")) ?? true;
        var stats = StatsCollector.Collect(_broker, q.Get("topic") ?? "", q.Get("channel") ?? "", includeClients, includeMem);
        if (json) return new(ApiResult.Json(JsonSerializer.SerializeToUtf8Bytes(stats, NsqHttpJsonContext.Default.StatsResponse)));
        var now = DateTimeOffset.UtcNow;
        return new(ApiResult.Text(StatsText.Format(stats, _broker.StartTime, now - _broker.StartTime, now.ToUnixTimeSeconds())));
    }
}
