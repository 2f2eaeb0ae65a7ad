using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime;
using System.Text.Json;
using Nsq.Protocol.Http;
using NsqAspire.Daemon.Http;
using Nsqd.Core.Tcp;

namespace Nsqd.Core.Http;

/// <summary>Spec §3.2: <c>/ping</c>, <c>/info</c> and the <c>/debug</c> endpoints that make sense outside Go.</summary>
internal sealed partial class NsqdHttpApi
{
    /// <summary>Text, also when unhealthy: <c>500 NOK - &lt;last disk error&gt;</c> (§3.5).</summary>
    private ValueTask<ApiResult> Ping(ApiRequest req)
    {
        var health = _broker.Health;
        return new(ApiResult.Plain(_broker.IsHealthy ? 200 : 500, health));
    }

    /// <summary>Durations as nanoseconds (Go's time.Duration), start_time in Unix seconds, the listening ports.</summary>
    private ValueTask<ApiResult> Info(ApiRequest req)
    {
        string hostname;
        try
        {
            hostname = Dns.GetHostName();
        }
        catch (SocketException ex)
        {
            return new(ApiResult.Error(500, ex.Message));
        }
        var o = _broker.Options;
        var info = new InfoResponse
        {
            Version = NsqdOptions.Version,
            BroadcastAddress = o.BroadcastAddress,
            Hostname = hostname,
            HttpPort = _broker.ListeningHttpPort,
            TcpPort = _broker.ListeningTcpPort,
            StartTime = _broker.StartTime.ToUnixTimeSeconds(),
            MaxHeartbeatInterval = ConfigOptions.Nanos(o.MaxHeartbeatInterval),
            MaxOutputBufferSize = o.MaxOutputBufferSize,
            MaxOutputBufferTimeout = ConfigOptions.Nanos(o.MaxOutputBufferTimeout),
            MaxDeflateLevel = o.MaxDeflateLevel,
        };
        return new(ApiResult.Json(JsonSerializer.SerializeToUtf8Bytes(info, NsqHttpJsonContext.Default.InfoResponse)));
    }

    /// <summary>
    /// Go's debug.FreeOSMemory() becomes a full compacting GC (large-object heap included). nsqd 1.3 answers 500 here
    /// although it worked (spec A.2 item 2); we answer 200 with an empty body.
    /// </summary>
    private ValueTask<ApiResult> FreeMemory(ApiRequest req)
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        return new(ApiResult.Empty);
    }

    /// <summary>
    /// Go's block profiler has no .NET counterpart: the rate is validated with nsqd's error text
    /// (<c>400 invalid block rate : strconv.Atoi: ...</c>) and otherwise ignored; 200 empty instead of nsqd's buggy 500.
    /// </summary>
    private ValueTask<ApiResult> SetBlockRate(ApiRequest req)
    {
        var value = req.TryGetQuery(out var q) ? q.Get("rate") ?? "" : "";
        if (!long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
        {
            var digits = value.Length > 0 && value[0] is '+' or '-' ? value[1..] : value;
            var reason = digits.Length > 0 && digits.All(char.IsAsciiDigit) ? "value out of range" : "invalid syntax";
            return new(ApiResult.Plain(400, $"invalid block rate : strconv.Atoi: parsing {ClientSession.GoQuote(value)}: {reason}"));
        }
        return new(ApiResult.Empty);
    }
}
