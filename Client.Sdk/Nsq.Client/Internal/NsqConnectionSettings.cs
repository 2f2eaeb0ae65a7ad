using System.Net.Security;

namespace Nsq.Client.Internal;

/// <summary>What one connection sends in IDENTIFY, how it upgrades (TLS, compression, AUTH) and how long it waits.</summary>
internal sealed record NsqConnectionSettings
{
    public string ClientId { get; init; } = Environment.MachineName;
    public string Hostname { get; init; } = Environment.MachineName;
    public string UserAgent { get; init; } = "nsqaspire-client";
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan? MsgTimeout { get; init; }
    public int SampleRate { get; init; }
    public int? OutputBufferSize { get; init; }
    public TimeSpan? OutputBufferTimeout { get; init; }
    public TimeSpan DialTimeout { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan ResponseTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long an answered command (PUB, SUB, CLS) may wait for its answer before the connection is failed.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(10);
    public SslClientAuthenticationOptions? Tls { get; init; }
    public bool Snappy { get; init; }
    public bool Deflate { get; init; }
    public int DeflateLevel { get; init; } = 6;
    public string? AuthSecret { get; init; }
}
