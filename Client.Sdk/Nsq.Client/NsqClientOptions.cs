using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Nsq.Client.Internal;

namespace Nsq.Client;

/// <summary>
/// What every connection to nsqd uses, producer or consumer: timeouts and the IDENTIFY options (spec §3.2), TLS,
/// compression and AUTH.
/// </summary>
public abstract record NsqClientOptions
{
    /// <summary>How long to wait for the TCP connect.</summary>
    public TimeSpan DialTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long to wait for nsqd to answer IDENTIFY, AUTH and SUB on a new connection.</summary>
    public TimeSpan ResponseTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The heartbeat interval asked for in IDENTIFY (heartbeats are answered with NOP).</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The client_id sent in IDENTIFY.</summary>
    public string ClientId { get; init; } = Environment.MachineName;

    /// <summary>The hostname sent in IDENTIFY.</summary>
    public string Hostname { get; init; } = Environment.MachineName;

    /// <summary>The user_agent sent in IDENTIFY.</summary>
    public string UserAgent { get; init; } = "nsqaspire-client/" + typeof(NsqClientOptions).Assembly.GetName().Version?.ToString(3);

    /// <summary>output_buffer_size in IDENTIFY: bytes nsqd buffers before flushing to this client (null = nsqd default, -1 = no buffering).</summary>
    public int? OutputBufferSize { get; init; }

    /// <summary>output_buffer_timeout in IDENTIFY: the longest nsqd waits before flushing (null = nsqd default).</summary>
    public TimeSpan? OutputBufferTimeout { get; init; }

    /// <summary>Upgrade the connection to TLS after IDENTIFY (tls_v1). Also set by <see cref="Tls"/>.</summary>
    public bool TlsV1 { get; init; }

    /// <summary>TLS settings: the server name to check, client certificates, certificate validation. Setting it turns on <see cref="TlsV1"/>.</summary>
    public SslClientAuthenticationOptions? Tls { get; init; }

    /// <summary>A client certificate for TLS (shorthand for <see cref="Tls"/>'s ClientCertificates).</summary>
    public X509Certificate2? TlsClientCertificate { get; init; }

    /// <summary>Compress the connection with snappy (framed format) after IDENTIFY.</summary>
    public bool Snappy { get; init; }

    /// <summary>Compress the connection with deflate after IDENTIFY.</summary>
    public bool Deflate { get; init; }

    /// <summary>The deflate level asked for (1-9; nsqd caps it at its max_deflate_level).</summary>
    public int DeflateLevel { get; init; } = 6;

    /// <summary>The AUTH secret, sent when nsqd says auth_required.</summary>
    public string? AuthSecret { get; init; }

    /// <summary>Where the client logs.</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    /// <summary>The serializer for typed messages (System.Text.Json by default; pass a source-generated context for trimming/AOT).</summary>
    public INsqSerializer Serializer { get; init; } = NsqJsonSerializer.Default;

    /// <summary>The settings one connection is made with.</summary>
    internal NsqConnectionSettings ToConnectionSettings(TimeSpan commandTimeout, TimeSpan? msgTimeout = null, int sampleRate = 0) => new()
    {
        CommandTimeout = commandTimeout,
        ClientId = ClientId,
        Hostname = Hostname,
        UserAgent = UserAgent,
        DialTimeout = DialTimeout,
        ResponseTimeout = ResponseTimeout,
        HeartbeatInterval = HeartbeatInterval,
        OutputBufferSize = OutputBufferSize,
        OutputBufferTimeout = OutputBufferTimeout,
        MsgTimeout = msgTimeout,
        SampleRate = sampleRate,
        Tls = TlsV1 || Tls is not null || TlsClientCertificate is not null ? TlsOptions() : null,
        Snappy = Snappy,
        Deflate = Deflate,
        DeflateLevel = DeflateLevel,
        AuthSecret = AuthSecret,
    };

    private SslClientAuthenticationOptions TlsOptions()
    {
        var tls = Tls is null ? new SslClientAuthenticationOptions() : CloneTls(Tls);
        if (TlsClientCertificate is not null) (tls.ClientCertificates ??= []).Add(TlsClientCertificate);
        return tls;
    }

    private static SslClientAuthenticationOptions CloneTls(SslClientAuthenticationOptions o) => new()
    {
        TargetHost = o.TargetHost,
        ClientCertificates = o.ClientCertificates,
        RemoteCertificateValidationCallback = o.RemoteCertificateValidationCallback,
        EnabledSslProtocols = o.EnabledSslProtocols,
        CertificateRevocationCheckMode = o.CertificateRevocationCheckMode,
        LocalCertificateSelectionCallback = o.LocalCertificateSelectionCallback,
        CertificateChainPolicy = o.CertificateChainPolicy,
    };
}
