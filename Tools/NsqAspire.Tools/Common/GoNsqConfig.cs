using System.Globalization;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Nsq.Client;
using NsqAspire.Daemon.CommandLine;

namespace NsqAspire.Tools.Common;

/// <summary>
/// <c>--consumer-opt</c> / <c>--producer-opt</c>: go-nsq's <c>Config</c> options by their names, as the Go tools pass
/// them through (<c>key,value</c>; a bare <c>key</c> means true, e.g. <c>--consumer-opt=snappy</c>), mapped onto the
/// SDK's options. go-nsq's ranges are checked the same way so a runbook's values mean the same thing. Options go-nsq has
/// that the SDK does not model are accepted and named in a warning rather than refused.
/// </summary>
internal static class GoNsqConfig
{
    /// <summary>go-nsq options that change nothing here; the value is still checked for its type.</summary>
    private static readonly HashSet<string> Inert =
    [
        "write_timeout", "local_addr", "backoff_strategy", "low_rdy_idle_timeout", "low_rdy_timeout", "skip_lookupd_authorization",
    ];

    /// <summary>What options are checked against when there is nothing to apply them to yet.</summary>
    private static readonly NsqConsumerOptions Probe = new() { Topic = "check", Channel = "check" };

    /// <summary>Checks <paramref name="option"/> without applying it: a bad name or value throws
    /// <see cref="FormatException"/> with go-nsq's wording, so the flag parser rejects it up front.</summary>
    public static string Check(string option)
    {
        _ = Apply(Probe, option, warnings: null);
        return option;
    }

    /// <summary>Applies each option in order (a later one wins); <paramref name="warnings"/> collects the inert ones.</summary>
    public static T ApplyAll<T>(T options, IEnumerable<string> given, ICollection<string>? warnings) where T : NsqClientOptions
    {
        ArgumentNullException.ThrowIfNull(given);
        string? certificate = null, key = null;
        foreach (var option in given)
        {
            options = Apply(options, option, warnings);
            if (option.StartsWith("tls_cert,", StringComparison.Ordinal)) certificate = option["tls_cert,".Length..];
            if (option.StartsWith("tls_key,", StringComparison.Ordinal)) key = option["tls_key,".Length..];
        }
        return WithClientCertificate(options, certificate, key);
    }

    /// <summary>Applies one <c>key[,value]</c> (<c>tls_cert</c>/<c>tls_key</c> only through <see cref="ApplyAll{T}"/>). Consumer-only options given to a producer are ignored, as go-nsq's
    /// producer ignores them (one Config type serves both).</summary>
    public static T Apply<T>(T options, string option, ICollection<string>? warnings) where T : NsqClientOptions
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(option);
        var comma = option.IndexOf(',', StringComparison.Ordinal);
        var key = comma < 0 ? option : option[..comma];
        var value = comma < 0 ? "true" : option[(comma + 1)..];

        NsqClientOptions result = key switch
        {
            "dial_timeout" => options with { DialTimeout = Duration(key, value, null, null) },
            "read_timeout" => options with { ResponseTimeout = Duration(key, value, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(5)) },
            "heartbeat_interval" => options with { HeartbeatInterval = Duration(key, value, null, null) },
            "client_id" => options with { ClientId = value },
            "hostname" => options with { Hostname = value },
            "user_agent" => options with { UserAgent = value },
            "tls_v1" => options with { TlsV1 = Bool(key, value) },
            "deflate" => options with { Deflate = Bool(key, value) },
            "deflate_level" => options with { DeflateLevel = (int)Integer(key, value, 1, 9) },
            "snappy" => options with { Snappy = Bool(key, value) },
            "output_buffer_size" => options with { OutputBufferSize = (int)Integer(key, value, -1, int.MaxValue) },
            "output_buffer_timeout" => options with { OutputBufferTimeout = Duration(key, value, null, null) },
            "auth_secret" => options with { AuthSecret = value },
            "tls_insecure_skip_verify" => WithTls(options, tls => tls.RemoteCertificateValidationCallback =
                Bool(key, value) ? static (_, _, _, _) => true : null),
            "tls_min_version" => WithTls(options, tls => tls.EnabledSslProtocols = MinTlsVersion(value)),
            "tls_root_ca_file" => WithTls(options, tls => TrustRootFile(tls, value)),
            // Read as a pair by ApplyAll.
            "tls_cert" or "tls_key" => options,
            _ when Inert.Contains(key) => Noted(options, key, warnings),
            _ => ConsumerOption(options, key, value),
        };
        return (T)result;
    }

    private static NsqClientOptions ConsumerOption(NsqClientOptions options, string key, string value)
    {
        var isConsumer = options is NsqConsumerOptions;
        var c = options as NsqConsumerOptions ?? Probe;
        NsqConsumerOptions applied = key switch
        {
            "max_in_flight" => c with { MaxInFlight = (int)Integer(key, value, 0, int.MaxValue) },
            "max_attempts" => c with { MaxAttempts = (int)Integer(key, value, 0, 65535) },
            "msg_timeout" => c with { MsgTimeout = Duration(key, value, TimeSpan.Zero, null) },
            "lookupd_poll_interval" => c with { LookupdPollInterval = Duration(key, value, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(5)) },
            "lookupd_poll_jitter" => c with { LookupdPollJitter = Float(key, value, 0, 1) },
            "lookupd_poll_timeout" => c with { LookupdRequestTimeout = Duration(key, value, null, null) },
            "max_requeue_delay" => c with { MaxRequeueDelay = Duration(key, value, TimeSpan.Zero, TimeSpan.FromMinutes(60)) },
            "default_requeue_delay" => c with { RequeueDelay = Duration(key, value, TimeSpan.Zero, TimeSpan.FromMinutes(60)) },
            "max_backoff_duration" => c with { MaxBackoffDuration = Duration(key, value, TimeSpan.Zero, TimeSpan.FromMinutes(60)) },
            "backoff_multiplier" => c with { BackoffMultiplier = Duration(key, value, TimeSpan.Zero, TimeSpan.FromMinutes(60)) },
            "rdy_redistribute_interval" => c with { RdyRedistributeInterval = Duration(key, value, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(5)) },
            "sample_rate" => c with { SampleRate = (int)Integer(key, value, 0, 99) },
            _ => throw new FormatException($"invalid option {key}"),
        };
        return isConsumer ? applied : options;
    }

    private static NsqClientOptions Noted(NsqClientOptions options, string key, ICollection<string>? warnings)
    {
        warnings?.Add($"go-nsq option {key} has no effect in this client; ignored");
        return options;
    }

    private static NsqClientOptions WithTls(NsqClientOptions options, Action<SslClientAuthenticationOptions> change)
    {
        var tls = CopyOf(options.Tls);
        change(tls);
        return options with { Tls = tls, TlsV1 = true };
    }

    private static SslClientAuthenticationOptions CopyOf(SslClientAuthenticationOptions? tls) => new()
    {
        TargetHost = tls?.TargetHost,
        EnabledSslProtocols = tls?.EnabledSslProtocols ?? SslProtocols.None,
        RemoteCertificateValidationCallback = tls?.RemoteCertificateValidationCallback,
        ClientCertificates = tls?.ClientCertificates,
        CertificateChainPolicy = tls?.CertificateChainPolicy,
    };

    private static void TrustRootFile(SslClientAuthenticationOptions tls, string path)
    {
        var roots = new X509Certificate2Collection();
        try
        {
            roots.ImportFromPemFile(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw new FormatException($"tls_root_ca_file {path}: {ex.Message}", ex);
        }
        var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust };
        policy.CustomTrustStore.AddRange(roots);
        tls.CertificateChainPolicy = policy;
    }

    /// <summary>go-nsq loads the client certificate once both <c>tls_cert</c> and <c>tls_key</c> are known.</summary>
    private static T WithClientCertificate<T>(T options, string? certificate, string? key) where T : NsqClientOptions
    {
        if (certificate is null && key is null) return options;
        if (certificate is null || key is null) throw new FormatException("tls_cert and tls_key must be given together");
        try
        {
            return options with { TlsClientCertificate = X509Certificate2.CreateFromPemFile(certificate, key), TlsV1 = true };
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw new FormatException($"tls_cert/tls_key {certificate}, {key}: {ex.Message}", ex);
        }
    }

    private static SslProtocols MinTlsVersion(string value) => value switch
    {
        // .NET offers TLS 1.2 and 1.3; asking for an older minimum still negotiates 1.2 or better.
        "ssl3.0" or "tls1.0" or "tls1.1" or "tls1.2" => SslProtocols.Tls12 | SslProtocols.Tls13,
        "tls1.3" => SslProtocols.Tls13,
        _ => throw new FormatException($"unknown tls_min_version: {value}"),
    };

    private static bool Bool(string key, string value) =>
        value switch
        {
            "1" or "t" or "T" or "true" or "TRUE" or "True" => true,
            "0" or "f" or "F" or "false" or "FALSE" or "False" => false,
            _ => throw new FormatException($"invalid value for {key}: {value} (want a bool)"),
        };

    private static long Integer(string key, string value, long min, long max)
    {
        if (!long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
            throw new FormatException($"invalid value for {key}: {value} (want an integer)");
        if (n < min) throw new FormatException($"invalid {key} ! {n} < {min}");
        if (n > max) throw new FormatException($"invalid {key} ! {n} > {max}");
        return n;
    }

    private static double Float(string key, string value, double min, double max)
    {
        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n))
            throw new FormatException($"invalid value for {key}: {value} (want a number)");
        if (n < min || n > max) throw new FormatException($"invalid {key} ! {n} not in [{min}, {max}]");
        return n;
    }

    private static TimeSpan Duration(string key, string value, TimeSpan? min, TimeSpan? max)
    {
        // go-nsq takes a Go duration, or an integer count of nanoseconds.
        var d = long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var nanoseconds)
            ? TimeSpan.FromTicks(nanoseconds / 100)
            : GoDuration.Parse(value);
        if (d < min) throw new FormatException($"invalid {key} ! {GoDuration.Format(d.Ticks * 100)} < {GoDuration.Format(min.Value.Ticks * 100)}");
        if (d > max) throw new FormatException($"invalid {key} ! {GoDuration.Format(d.Ticks * 100)} > {GoDuration.Format(max.Value.Ticks * 100)}");
        return d;
    }
}
