using System.Collections;
using System.Reflection;
using NsqAspire.Daemon.CommandLine;
using Nsqd.Core.CommandLine;
using static Nsqd.Core.Tests.CommandLine.CommandLineTestSupport;

namespace Nsqd.Core.Tests.CommandLine;

/// <summary>
/// Keeps the flag table and <see cref="NsqdOptions"/> in step: every nsqd flag parses, and every settable option
/// (other than the few nsqd has no flag for) is reachable from a flag.
/// </summary>
public sealed class NsqdFlagsCoverageTests
{
    /// <summary>Options nsqd itself has no flag for; appsettings can still set them.</summary>
    private static readonly HashSet<string> s_flaglessOptions = [nameof(NsqdOptions.ClientTimeout), nameof(NsqdOptions.QueueScanInterval)];

    /// <summary>A non-default value for every flag, as an operator would write it.</summary>
    private static readonly Dictionary<string, string[]> s_samples = new()
    {
        ["config"] = [],
        ["version"] = ["--version=false"],
        ["log-level"] = ["--log-level=debug"],
        ["log-prefix"] = ["--log-prefix=[x] "],
        ["verbose"] = ["--verbose"],
        ["node-id"] = [$"--node-id={(new NsqdOptions().NodeId + 1) % 1024}"],
        ["worker-id"] = ["--worker-id"],
        ["tcp-address"] = ["--tcp-address=127.0.0.1:14150"],
        ["http-address"] = ["--http-address=127.0.0.1:14151"],
        ["https-address"] = ["--https-address=127.0.0.1:14152"],
        ["broadcast-address"] = ["--broadcast-address=10.1.2.3"],
        ["broadcast-tcp-port"] = ["--broadcast-tcp-port=4250"],
        ["broadcast-http-port"] = ["--broadcast-http-port=4251"],
        ["lookupd-tcp-address"] = ["--lookupd-tcp-address=127.0.0.1:4160"],
        ["auth-http-address"] = ["--auth-http-address=127.0.0.1:4181"],
        ["auth-http-request-method"] = ["--auth-http-request-method=post"],
        ["http-auth"] = ["--http-auth=all"],
        ["http-auth-token"] = ["--http-auth-token=t1"],
        ["http-client-connect-timeout"] = ["--http-client-connect-timeout=3s"],
        ["http-client-request-timeout"] = ["--http-client-request-timeout=6s"],
        ["topology-region"] = ["--topology-region=eu"],
        ["topology-zone"] = ["--topology-zone=eu-1a"],
        ["enable-experiment"] = ["--enable-experiment=topology-aware-consumption"],
        ["data-path"] = ["--data-path=/var/lib/nsqd"],
        ["mem-queue-size"] = ["--mem-queue-size=100"],
        ["max-bytes-per-file"] = ["--max-bytes-per-file=1048576"],
        ["sync-every"] = ["--sync-every=100"],
        ["sync-timeout"] = ["--sync-timeout=1s"],
        ["durability"] = ["--durability=durable"],
        ["record-checksums"] = ["--record-checksums"],
        ["max-defer-timeout"] = ["--max-defer-timeout=72h"],
        ["queue-scan-worker-pool-max"] = ["--queue-scan-worker-pool-max=8"],
        ["queue-scan-selection-count"] = ["--queue-scan-selection-count=40"],
        ["msg-timeout"] = ["--msg-timeout=30s"],
        ["max-msg-timeout"] = ["--max-msg-timeout=30m"],
        ["max-msg-size"] = ["--max-msg-size=2048"],
        ["max-body-size"] = ["--max-body-size=4096"],
        ["max-req-timeout"] = ["--max-req-timeout=2h"],
        ["max-heartbeat-interval"] = ["--max-heartbeat-interval=2m"],
        ["max-rdy-count"] = ["--max-rdy-count=100"],
        ["max-output-buffer-size"] = ["--max-output-buffer-size=1024"],
        ["max-output-buffer-timeout"] = ["--max-output-buffer-timeout=10s"],
        ["min-output-buffer-timeout"] = ["--min-output-buffer-timeout=10ms"],
        ["output-buffer-timeout"] = ["--output-buffer-timeout=100ms"],
        ["max-channel-consumers"] = ["--max-channel-consumers=10"],
        ["statsd-address"] = ["--statsd-address=127.0.0.1:8125"],
        ["statsd-prefix"] = ["--statsd-prefix=nsq."],
        ["statsd-interval"] = ["--statsd-interval=10s"],
        ["statsd-mem-stats"] = ["--statsd-mem-stats=false"],
        ["statsd-udp-packet-size"] = ["--statsd-udp-packet-size=1400"],
        ["statsd-exclude-ephemeral"] = ["--statsd-exclude-ephemeral"],
        ["e2e-processing-latency-percentile"] = ["--e2e-processing-latency-percentile=0.99"],
        ["e2e-processing-latency-window-time"] = ["--e2e-processing-latency-window-time=5m"],
        ["tls-cert"] = ["--tls-cert=cert.pem"],
        ["tls-key"] = ["--tls-key=key.pem"],
        ["tls-client-auth-policy"] = ["--tls-client-auth-policy=require-verify"],
        ["tls-root-ca-file"] = ["--tls-root-ca-file=ca.pem"],
        ["tls-required"] = ["--tls-required=tcp-https"],
        ["tls-min-version"] = ["--tls-min-version=tls1.2"],
        ["deflate"] = ["--deflate=false"],
        ["max-deflate-level"] = ["--max-deflate-level=9"],
        ["snappy"] = ["--snappy=false"],
        ["message-headers"] = ["--message-headers=false"],
        ["max-msg-headers-size"] = ["--max-msg-headers-size=100"],
        ["max-msg-headers"] = ["--max-msg-headers=3"],
    };

    public static TheoryData<string> FlagNames => [.. NsqdFlags.All.Select(f => f.Name)];

    [Fact]
    public void Every_nsqd_flag_has_a_sample() =>
        Assert.Empty(NsqdFlags.All.Select(f => f.Name).Except(s_samples.Keys));

    [Theory]
    [MemberData(nameof(FlagNames))]
    public void Every_flag_parses(string name)
    {
        // The TLS-dependent flags need a certificate to pass nsqd's validation.
        var result = Parse([.. s_samples[name], "--tls-cert=c.pem", "--tls-key=k.pem"]);
        Assert.True(result.Action == DaemonAction.Run, $"--{name}: {result.Output}");
    }

    [Theory]
    [MemberData(nameof(FlagNames))]
    public void Every_flag_but_config_and_version_has_its_config_name(string name)
    {
        var flag = NsqdCommandLine.Definition.ByName[name];
        var expected = name switch
        {
            "config" or "version" => null,
            "node-id" => "id",
            "lookupd-tcp-address" => "nsqlookupd_tcp_addresses",
            "auth-http-address" => "auth_http_addresses",
            "http-auth-token" => "http_auth_tokens",
            "e2e-processing-latency-percentile" => "e2e_processing_latency_percentiles",
            _ => name.Replace('-', '_'),
        };
        Assert.Equal(expected, flag.ConfigName);
    }

    [Fact]
    public void Every_settable_option_is_reachable_from_a_flag()
    {
        var options = Options([.. s_samples.Values.SelectMany(a => a)]);
        var defaults = new NsqdOptions();
        var unreached = typeof(NsqdOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && !s_flaglessOptions.Contains(p.Name))
            .Where(p => SameValue(p.GetValue(defaults), p.GetValue(options)))
            .Select(p => p.Name)
            .ToList();
        Assert.True(unreached.Count == 0,
            $"NsqdOptions properties no flag sets: {string.Join(", ", unreached)}. Wire them in " +
            "Nsqd.Core/CommandLine/NsqdFlags.cs (and a sample here), or list them as flagless.");
    }

    private static bool SameValue(object? a, object? b) =>
        a is IEnumerable first && b is IEnumerable second && a is not string
            ? first.Cast<object>().SequenceEqual(second.Cast<object>())
            : Equals(a, b);
}
