using System.Collections.Frozen;
using System.Text.Json;

namespace Nsqd.Core.Http;

/// <summary>
/// Spec §3.2 <c>GET /config/:opt</c>: every nsqd option by its config-file name (spec §4: the flag name with <c>-</c> →
/// <c>_</c>, or its override such as <c>id</c> and <c>nsqlookupd_tcp_addresses</c>), written as nsqd's Go value would
/// marshal: durations in nanoseconds, <c>log_level</c> and <c>tls_required</c> as ints, <c>tls_min_version</c> as the Go
/// TLS constant. Options this broker accepts but does not implement answer their nsqd default.
/// </summary>
internal static class ConfigOptions
{
    private static readonly FrozenDictionary<string, Action<Utf8JsonWriter, NsqdOptions>> Writers =
        new Dictionary<string, Action<Utf8JsonWriter, NsqdOptions>>(StringComparer.Ordinal)
        {
            ["log_level"] = (w, o) => w.WriteNumberValue(LogLevelNumber(o.LogLevel)),
            ["log_prefix"] = (w, _) => w.WriteStringValue("[nsqd] "),
            ["verbose"] = (w, _) => w.WriteBooleanValue(false),
            ["id"] = (w, o) => w.WriteNumberValue(o.NodeId),
            ["tcp_address"] = (w, o) => w.WriteStringValue(o.TcpAddress),
            ["http_address"] = (w, o) => w.WriteStringValue(o.HttpAddress),
            ["https_address"] = (w, o) => w.WriteStringValue(o.HttpsAddress),
            ["broadcast_address"] = (w, o) => w.WriteStringValue(o.BroadcastAddress),
            ["broadcast_tcp_port"] = (w, o) => w.WriteNumberValue(o.BroadcastTcpPort),
            ["broadcast_http_port"] = (w, o) => w.WriteNumberValue(o.BroadcastHttpPort),
            ["nsqlookupd_tcp_addresses"] = (w, o) => WriteStrings(w, o.LookupdTcpAddresses),
            ["auth_http_addresses"] = (w, o) => WriteStrings(w, o.AuthHttpAddresses),
            ["auth_http_request_method"] = (w, o) => w.WriteStringValue(o.AuthHttpRequestMethod),
            // Ours: the HTTP auth mode. The static tokens (http_auth_tokens) are secrets and have no entry.
            ["http_auth"] = (w, o) => w.WriteStringValue(o.HttpAuth),
            ["http_client_connect_timeout"] = (w, o) => w.WriteNumberValue(Nanos(o.HttpClientConnectTimeout)),
            ["http_client_request_timeout"] = (w, o) => w.WriteNumberValue(Nanos(o.HttpClientRequestTimeout)),
            ["topology_region"] = (w, _) => w.WriteStringValue(""),
            ["topology_zone"] = (w, _) => w.WriteStringValue(""),
            ["enable_experiment"] = (w, _) => WriteStrings(w, []),
            ["data_path"] = (w, o) => w.WriteStringValue(o.DataPath),
            ["mem_queue_size"] = (w, o) => w.WriteNumberValue(o.MemQueueSize),
            ["max_bytes_per_file"] = (w, o) => w.WriteNumberValue(o.MaxBytesPerFile),
            ["sync_every"] = (w, o) => w.WriteNumberValue(o.SyncEvery),
            ["sync_timeout"] = (w, o) => w.WriteNumberValue(Nanos(o.SyncTimeout)),
            ["queue_scan_worker_pool_max"] = (w, _) => w.WriteNumberValue(4),
            ["queue_scan_selection_count"] = (w, _) => w.WriteNumberValue(20),
            ["msg_timeout"] = (w, o) => w.WriteNumberValue(Nanos(o.MsgTimeout)),
            ["max_msg_timeout"] = (w, o) => w.WriteNumberValue(Nanos(o.MaxMsgTimeout)),
            ["max_msg_size"] = (w, o) => w.WriteNumberValue(o.MaxMsgSize),
            ["max_body_size"] = (w, o) => w.WriteNumberValue(o.MaxBodySize),
            ["max_req_timeout"] = (w, o) => w.WriteNumberValue(Nanos(o.MaxReqTimeout)),
            // Ours (not nsqd's): the storage mode, the disk record format and the DPUB / defer limit.
            ["max_defer_timeout"] = (w, o) => w.WriteNumberValue(Nanos(o.MaxDeferTimeout)),
            ["durability"] = (w, o) => w.WriteStringValue(o.Durability.ToLowerInvariant()),
            ["record_checksums"] = (w, o) => w.WriteBooleanValue(o.RecordChecksums),
            ["max_heartbeat_interval"] = (w, o) => w.WriteNumberValue(Nanos(o.MaxHeartbeatInterval)),
            ["max_rdy_count"] = (w, o) => w.WriteNumberValue(o.MaxRdyCount),
            ["max_output_buffer_size"] = (w, o) => w.WriteNumberValue(o.MaxOutputBufferSize),
            ["max_output_buffer_timeout"] = (w, o) => w.WriteNumberValue(Nanos(o.MaxOutputBufferTimeout)),
            ["min_output_buffer_timeout"] = (w, o) => w.WriteNumberValue(Nanos(o.MinOutputBufferTimeout)),
            ["output_buffer_timeout"] = (w, o) => w.WriteNumberValue(Nanos(o.OutputBufferTimeout)),
            ["max_channel_consumers"] = (w, o) => w.WriteNumberValue(o.MaxChannelConsumers),
            ["statsd_address"] = (w, _) => w.WriteStringValue(""),
            ["statsd_prefix"] = (w, _) => w.WriteStringValue("nsq.%s"),
            ["statsd_interval"] = (w, _) => w.WriteNumberValue(Nanos(TimeSpan.FromMinutes(1))),
            ["statsd_mem_stats"] = (w, _) => w.WriteBooleanValue(true),
            ["statsd_udp_packet_size"] = (w, _) => w.WriteNumberValue(508),
            ["statsd_exclude_ephemeral"] = (w, _) => w.WriteBooleanValue(false),
            ["e2e_processing_latency_percentiles"] = (w, o) =>
            {
                w.WriteStartArray();
                foreach (var p in o.E2EProcessingLatencyPercentiles) w.WriteNumberValue(p);
                w.WriteEndArray();
            },
            ["e2e_processing_latency_window_time"] = (w, o) => w.WriteNumberValue(Nanos(o.E2EProcessingLatencyWindowTime)),
            ["tls_cert"] = (w, o) => w.WriteStringValue(o.TlsCert),
            ["tls_key"] = (w, o) => w.WriteStringValue(o.TlsKey),
            ["tls_client_auth_policy"] = (w, o) => w.WriteStringValue(o.TlsClientAuthPolicy),
            ["tls_root_ca_file"] = (w, o) => w.WriteStringValue(o.TlsRootCaFile),
            ["tls_required"] = (w, o) => w.WriteNumberValue(o.TlsRequiredLevel),
            ["tls_min_version"] = (w, o) => w.WriteNumberValue(TlsVersionNumber(o.TlsMinVersion)),
            ["deflate"] = (w, o) => w.WriteBooleanValue(o.Deflate),
            ["max_deflate_level"] = (w, o) => w.WriteNumberValue(o.MaxDeflateLevel),
            ["snappy"] = (w, o) => w.WriteBooleanValue(o.Snappy),
            // Ours: the message headers extension.
            ["message_headers"] = (w, o) => w.WriteBooleanValue(o.MessageHeaders),
            ["max_msg_headers_size"] = (w, o) => w.WriteNumberValue(o.MaxMsgHeadersSize),
            ["max_msg_headers"] = (w, o) => w.WriteNumberValue(o.MaxMsgHeaders),
        }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The option's JSON value, or null when no option has that config name.</summary>
    public static byte[]? TryGetJson(string name, NsqdOptions options)
    {
        if (!Writers.TryGetValue(name, out var write)) return null;
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer)) write(writer, options);
        return buffer.ToArray();
    }

    public static long Nanos(TimeSpan t) => t.Ticks * (1_000_000 / TimeSpan.TicksPerMillisecond);

    /// <summary>nsqd's lg.LogLevel values: debug 1, info 2, warn 3, error 4, fatal 5.</summary>
    public static int LogLevelNumber(string level) => level.ToLowerInvariant() switch
    {
        "debug" => 1,
        "warn" => 3,
        "error" => 4,
        "fatal" => 5,
        _ => 2,
    };

    private static int TlsVersionNumber(string version) => version switch
    {
        "tls1.1" => 0x0302,
        "tls1.2" => 0x0303,
        "tls1.3" => 0x0304,
        _ => 0x0301,
    };

    private static void WriteStrings(Utf8JsonWriter w, List<string> values)
    {
        w.WriteStartArray();
        foreach (var v in values) w.WriteStringValue(v);
        w.WriteEndArray();
    }
}
