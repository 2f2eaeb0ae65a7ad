using NsqAspire.Daemon.CommandLine;
using Nsqd.Core.CommandLine;
using static Nsqd.Core.Tests.CommandLine.CommandLineTestSupport;

namespace Nsqd.Core.Tests.CommandLine;

/// <summary>Per-kind value handling: durations, lists, nsqd's special strings, startup validation.</summary>
public sealed class NsqdCommandLineValueTests
{
    [Fact]
    public void Durations_use_go_syntax()
    {
        var options = Options("--msg-timeout=1m30s", "--max-req-timeout", "1.5h", "--output-buffer-timeout=250ms",
            "--sync-timeout=0", "--e2e-processing-latency-window-time=1h");
        Assert.Equal(TimeSpan.FromSeconds(90), options.MsgTimeout);
        Assert.Equal(TimeSpan.FromMinutes(90), options.MaxReqTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(250), options.OutputBufferTimeout);
        Assert.Equal(TimeSpan.Zero, options.SyncTimeout);
        Assert.Equal(TimeSpan.FromHours(1), options.E2EProcessingLatencyWindowTime);
    }

    [Theory]
    [InlineData("--msg-timeout=60")]
    [InlineData("--sync-timeout=2")]
    [InlineData("--max-heartbeat-interval=00:01:00")]
    [InlineData("--http-client-connect-timeout=2sec")]
    public void Duration_flags_refuse_plain_numbers_and_dotnet_syntax(string arg) =>
        Assert.Contains("duration", Failure(1, arg), StringComparison.Ordinal);

    [Fact]
    public void Int64_flags_take_large_values() =>
        Assert.Equal(10_000_000_000L, Options("--max-bytes-per-file=10000000000").MaxBytesPerFile);

    [Fact]
    public void Lookupd_addresses_repeat()
    {
        var options = Options("--lookupd-tcp-address=127.0.0.1:4160", "-lookupd-tcp-address", "127.0.0.1:4162");
        Assert.Equal(["127.0.0.1:4160", "127.0.0.1:4162"], options.LookupdTcpAddresses);
    }

    [Fact]
    public void Auth_addresses_repeat()
    {
        var options = Options("--auth-http-address=127.0.0.1:4181", "--auth-http-address=https://auth.local/");
        Assert.Equal(["127.0.0.1:4181", "https://auth.local/"], options.AuthHttpAddresses);
    }

    [Fact]
    public void Percentiles_repeat_and_split_on_commas()
    {
        var options = Options("--e2e-processing-latency-percentile=0.99,0.95", "--e2e-processing-latency-percentile", "1");
        Assert.Equal([0.99, 0.95, 1.0], options.E2EProcessingLatencyPercentiles);
    }

    [Theory]
    [InlineData("--e2e-processing-latency-percentile=1.5", "invalid E2E processing latency percentile")]
    [InlineData("--e2e-processing-latency-percentile=0", "invalid E2E processing latency percentile")]
    [InlineData("--e2e-processing-latency-percentile=0.9,abc", "expected a number")]
    [InlineData("--e2e-processing-latency-percentile=NaN", "expected a number")]
    public void Percentiles_are_checked(string arg, string expectedMessage) =>
        Assert.Contains(expectedMessage, Failure(1, arg), StringComparison.Ordinal);

    [Theory]
    [InlineData("--tls-required", "true")]
    [InlineData("--tls-required=true", "true")]
    [InlineData("--tls-required=1", "true")]
    [InlineData("--tls-required=false", "false")]
    [InlineData("--tls-required=tcp-https", "tcp-https")]
    public void Tls_required_is_a_bool_with_one_extra_word(string arg, string expected) =>
        Assert.Equal(expected, Options("--tls-cert=c.pem", "--tls-key=k.pem", arg).TlsRequired);

    [Fact]
    public void Tls_required_rejects_other_words() =>
        Assert.Contains("expected true, false or tcp-https", Failure(1, "--tls-required=maybe"), StringComparison.Ordinal);

    [Fact]
    public void Tls_required_without_a_certificate_is_fatal() =>
        Assert.Equal("cannot require TLS client connections without TLS key and cert", Failure(1, "--tls-required"));

    [Theory]
    [InlineData("tls1.2", "tls1.2")]
    [InlineData("TLS1.3", "tls1.3")]
    public void Tls_min_version_is_normalized(string value, string expected) =>
        Assert.Equal(expected, Options($"--tls-min-version={value}").TlsMinVersion);

    [Theory]
    [InlineData("ssl3.0")]
    [InlineData("tls1.4")]
    public void Tls_min_version_outside_nsqds_table_is_refused(string value) => Failure(1, $"--tls-min-version={value}");

    [Theory]
    [InlineData("DEBUG", "debug")]
    [InlineData("warn", "warn")]
    [InlineData("Fatal", "fatal")]
    public void Log_level_is_case_insensitive(string value, string expected) =>
        Assert.Equal(expected, Options($"--log-level={value}").LogLevel);

    [Fact]
    public void Unknown_log_level_is_refused() => Failure(1, "--log-level=verbose");

    [Theory]
    [InlineData("--node-id=1024", "--node-id must be [0,1024)")]
    [InlineData("--node-id=-1", "--node-id must be [0,1024)")]
    [InlineData("--max-deflate-level=0", "--max-deflate-level must be [1,9]")]
    [InlineData("--auth-http-request-method=put", "--auth-http-request-method must be post or get")]
    public void Nsqd_startup_validation_messages_come_through(string arg, string expectedMessage) =>
        Assert.Equal(expectedMessage, Failure(1, arg));

    [Fact]
    public void Node_id_sets_the_id() => Assert.Equal(1023, Options("--node-id=1023").NodeId);

    [Theory]
    [InlineData("--queue-scan-selection-count=40", "--queue-scan-selection-count is not implemented")]
    [InlineData("--verbose", "--verbose is deprecated")]
    [InlineData("--worker-id", "--worker-id is deprecated")]
    [InlineData("--enable-experiment=topology-aware-consumption", "--enable-experiment is not implemented")]
    public void Flags_without_effect_are_accepted_with_a_warning(string arg, string expectedWarning)
    {
        var result = Parse([arg]);
        Assert.Equal(DaemonAction.Run, result.Action);
        Assert.Contains(result.Warnings, w => w.StartsWith(expectedWarning, StringComparison.Ordinal));
    }

    [Fact]
    public void Flags_without_effect_still_check_their_values() => Failure(1, "--statsd-interval=60");

    [Fact]
    public void Working_flags_give_no_warning() => Assert.Empty(Parse(["--mem-queue-size=1", "--snappy"]).Warnings);
}
