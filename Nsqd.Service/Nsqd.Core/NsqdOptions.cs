using System.Security.Cryptography;
using System.Text;
using NsqAspire.Daemon.Auth;

namespace Nsqd.Core;

/// <summary>
/// Every nsqd setting, with nsqd 1.3's defaults (spec §4). Property names are the flag names in PascalCase
/// (<c>--mem-queue-size</c> → <see cref="MemQueueSize"/>), so configuration binding and the command line agree.
/// </summary>
public sealed class NsqdOptions
{
    /// <summary>Version reported by IDENTIFY, /info and /stats; clients parse it as semver.</summary>
    public const string Version = "1.3.0";

    public string TcpAddress { get; set; } = "0.0.0.0:4150";
    /// <summary>Empty disables the HTTP listener (nsqd 1.3).</summary>
    public string HttpAddress { get; set; } = "0.0.0.0:4151";
    /// <summary>Only listens when <see cref="TlsCert"/> and <see cref="TlsKey"/> are set.</summary>
    public string HttpsAddress { get; set; } = "0.0.0.0:4152";
    public string BroadcastAddress { get; set; } = Environment.MachineName;
    public int BroadcastTcpPort { get; set; }
    public int BroadcastHttpPort { get; set; }
    public int NodeId { get; set; } = DefaultNodeId(Environment.MachineName);
    public string LogLevel { get; set; } = "info";

    /// <summary>Where nsqd.dat and the disk queues live; empty means the working directory.</summary>
    public string DataPath { get; set; } = "";
    public int MemQueueSize { get; set; } = 10000;
    public long MaxBytesPerFile { get; set; } = 104857600;
    public int SyncEvery { get; set; } = 2500;
    public TimeSpan SyncTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// <c>memory</c> (nsqd's behaviour): memory first, disk overflow, nothing lost on a clean shutdown, a crash can lose
    /// what was in memory. <c>durable</c>: every message goes through the disk queue and a publish is answered only once
    /// it is fsynced (group commit); in-flight and deferred messages survive a crash (at-least-once).
    /// </summary>
    public string Durability { get; set; } = "memory";

    /// <summary>True for <c>--durability=durable</c>.</summary>
    public bool IsDurable => string.Equals(Durability, "durable", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Memory mode writes checked disk records (CRC32C and sequence numbers, docs/storage-format.md) instead of
    /// go-diskqueue's, which real nsqd reads. Durable mode always writes checked records.
    /// </summary>
    public bool RecordChecksums { get; set; }

    /// <summary>Whether disk queues write checked records (durable mode, or <see cref="RecordChecksums"/>).</summary>
    public bool WritesCheckedRecords => IsDurable || RecordChecksums;

    /// <summary>Longest DPUB / <c>/pub?defer=</c> delay (REQ keeps <see cref="MaxReqTimeout"/>).</summary>
    public TimeSpan MaxDeferTimeout { get; set; } = TimeSpan.FromHours(1);

    public TimeSpan MsgTimeout { get; set; } = TimeSpan.FromMinutes(1);
    public TimeSpan MaxMsgTimeout { get; set; } = TimeSpan.FromMinutes(15);
    public int MaxMsgSize { get; set; } = 1048576;
    public int MaxBodySize { get; set; } = 5242880;
    public TimeSpan MaxReqTimeout { get; set; } = TimeSpan.FromHours(1);
    /// <summary>No flag in nsqd: the default heartbeat is half of it (30 s).</summary>
    public TimeSpan ClientTimeout { get; set; } = TimeSpan.FromSeconds(60);
    public TimeSpan MaxHeartbeatInterval { get; set; } = TimeSpan.FromMinutes(1);
    public int MaxRdyCount { get; set; } = 2500;
    public int MaxOutputBufferSize { get; set; } = 65536;
    public TimeSpan MaxOutputBufferTimeout { get; set; } = TimeSpan.FromSeconds(30);
    public TimeSpan MinOutputBufferTimeout { get; set; } = TimeSpan.FromMilliseconds(25);
    public TimeSpan OutputBufferTimeout { get; set; } = TimeSpan.FromMilliseconds(250);
    /// <summary>0 = unlimited.</summary>
    public int MaxChannelConsumers { get; set; }
    /// <summary>How often in-flight and deferred deadlines are checked (nsqd's QueueScanInterval).</summary>
    public TimeSpan QueueScanInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    public List<string> LookupdTcpAddresses { get; set; } = [];
    public List<string> AuthHttpAddresses { get; set; } = [];
    public string AuthHttpRequestMethod { get; set; } = "get";
    /// <summary><c>writes</c>, <c>all</c> or <c>off</c>: which HTTP requests need credentials once a source (an auth
    /// server or a static token) is configured (docs/http-auth.md).</summary>
    public string HttpAuth { get; set; } = HttpAuthModes.Default;
    /// <summary>Static bearer tokens granting every HTTP permission. Never shown by <c>/config</c>.</summary>
    public List<string> HttpAuthTokens { get; set; } = [];
    public TimeSpan HttpClientConnectTimeout { get; set; } = TimeSpan.FromSeconds(2);
    public TimeSpan HttpClientRequestTimeout { get; set; } = TimeSpan.FromSeconds(5);

    public string TlsCert { get; set; } = "";
    public string TlsKey { get; set; } = "";
    public string TlsClientAuthPolicy { get; set; } = "";
    public string TlsRootCaFile { get; set; } = "";
    /// <summary><c>false</c>, <c>tcp-https</c> or <c>true</c> (spec §2.8).</summary>
    public string TlsRequired { get; set; } = "false";
    public string TlsMinVersion { get; set; } = "tls1.0";

    public bool Deflate { get; set; } = true;
    public int MaxDeflateLevel { get; set; } = 6;
    public bool Snappy { get; set; } = true;

    /// <summary>Lets clients negotiate the message headers extension (docs/message-headers.md).</summary>
    public bool MessageHeaders { get; set; } = true;
    /// <summary>Largest header block per message: H, the block's bytes without its 2-byte length (at most 65535).</summary>
    public int MaxMsgHeadersSize { get; set; } = Nsq.Protocol.V2.MessageHeaders.DefaultMaxSize;
    /// <summary>Most header entries per message.</summary>
    public int MaxMsgHeaders { get; set; } = Nsq.Protocol.V2.MessageHeaders.DefaultMaxCount;

    public List<double> E2EProcessingLatencyPercentiles { get; set; } = [];
    public TimeSpan E2EProcessingLatencyWindowTime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>UDP <c>host:port</c> of a statsd daemon; empty disables the statsd loop (spec §4).</summary>
    public string StatsdAddress { get; set; } = "";
    /// <summary><c>%s</c> → <c>&lt;broadcast_address&gt;_&lt;broadcast_http_port&gt;</c> with <c>.</c>/<c>:</c> → <c>_</c>.</summary>
    public string StatsdPrefix { get; set; } = "nsq.%s";
    public TimeSpan StatsdInterval { get; set; } = TimeSpan.FromMinutes(1);
    public bool StatsdMemStats { get; set; } = true;
    public int StatsdUdpPacketSize { get; set; } = 508;
    public bool StatsdExcludeEphemeral { get; set; }

    public bool TlsEnabled => TlsCert.Length > 0 && TlsKey.Length > 0;

    /// <summary>0 = not required, 1 = TCP must upgrade (plain HTTP allowed), 2 = TCP and HTTP.</summary>
    public int TlsRequiredLevel =>
        TlsClientAuthPolicy is "require" or "require-verify" ? 2 : TlsRequired switch
        {
            "true" or "1" or "t" or "T" or "TRUE" or "True" => 2,
            "tcp-https" => 1,
            _ => 0,
        };

    /// <summary>nsqd's startup validation; the message texts are nsqd's (spec §4).</summary>
    public void Validate()
    {
        if (MaxDeflateLevel is < 1 or > 9) throw new ArgumentException("--max-deflate-level must be [1,9]");
        if (NodeId is < 0 or >= 1024) throw new ArgumentException("--node-id must be [0,1024)");
        if (TlsRequiredLevel > 0 && !TlsEnabled)
            throw new ArgumentException("cannot require TLS client connections without TLS key and cert");
        if (AuthHttpRequestMethod is not ("get" or "post"))
            throw new ArgumentException("--auth-http-request-method must be post or get");
        try
        {
            HttpAuth = HttpAuthModes.Normalize(HttpAuth);
        }
        catch (FormatException)
        {
            throw new ArgumentException($"--http-auth must be writes, all or off (got \"{HttpAuth}\")");
        }
        foreach (var p in E2EProcessingLatencyPercentiles)
            if (p is <= 0 or > 1) throw new ArgumentException($"invalid E2E processing latency percentile: {p}");
        if (MemQueueSize < 0) throw new ArgumentException("--mem-queue-size must be >= 0");
        if (MaxRdyCount < 1) throw new ArgumentException("--max-rdy-count must be >= 1");
        if (!string.Equals(Durability, "memory", StringComparison.OrdinalIgnoreCase) && !IsDurable)
            throw new ArgumentException("--durability must be memory or durable");
        if (MaxDeferTimeout < TimeSpan.Zero) throw new ArgumentException("--max-defer-timeout must be >= 0");
    }

    /// <summary>nsqd's default: crc32(md5(hostname)) % 1024.</summary>
    public static int DefaultNodeId(string hostname)
    {
        var md5 = MD5.HashData(Encoding.UTF8.GetBytes(hostname));
        return (int)(Crc32Ieee(md5) % 1024);
    }

    private static uint Crc32Ieee(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }
}
