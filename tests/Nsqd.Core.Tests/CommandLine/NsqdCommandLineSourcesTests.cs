using NsqAspire.Daemon.CommandLine;
using Nsqd.Core.CommandLine;
using static Nsqd.Core.Tests.CommandLine.CommandLineTestSupport;

namespace Nsqd.Core.Tests.CommandLine;

/// <summary>The "Nsqd" configuration section, the --config TOML file, and their precedence under the flags.</summary>
public sealed class NsqdCommandLineSourcesTests
{
    private const string ConfigFile = """
        # an nsqd.cfg as operators write it
        mem_queue_size = 500
        msg_timeout = "90s"
        id = 7
        nsqlookupd_tcp_addresses = ["127.0.0.1:4160", "127.0.0.1:4162"]
        auth_http_addresses = ["127.0.0.1:4181"]
        e2e_processing_latency_percentiles = [1.0, 0.99, 1]
        snappy = false
        max_bytes_per_file = "0x1000"
        tls_min_version = "tls1.2"
        broadcast_address = "file-host"
        """;

    [Fact]
    public void Appsettings_section_sets_options()
    {
        var configuration = Configuration(
            ("Nsqd:MemQueueSize", "7"),
            ("Nsqd:Snappy", "false"),
            ("Nsqd:MsgTimeout", "90s"),
            ("Nsqd:SyncTimeout", "00:00:05"),
            ("Nsqd:LookupdTcpAddresses:0", "127.0.0.1:4160"),
            ("Nsqd:LookupdTcpAddresses:1", "127.0.0.1:4162"));
        var options = OptionsWith(configuration, null);
        Assert.Equal(7, options.MemQueueSize);
        Assert.False(options.Snappy);
        Assert.Equal(TimeSpan.FromSeconds(90), options.MsgTimeout);
        Assert.Equal(TimeSpan.FromSeconds(5), options.SyncTimeout);
        Assert.Equal(["127.0.0.1:4160", "127.0.0.1:4162"], options.LookupdTcpAddresses);
    }

    [Fact]
    public void Appsettings_can_set_options_that_have_no_flag() =>
        Assert.Equal(TimeSpan.FromSeconds(20), OptionsWith(Configuration(("Nsqd:ClientTimeout", "20s")), null).ClientTimeout);

    [Theory]
    [InlineData("Nsqd:MsgTimeout", "60", "Nsqd:MsgTimeout")]
    [InlineData("Nsqd:MemQueueSize", "lots", "MemQueueSize")]
    [InlineData("Nsqd:MemQueueSzie", "5", "MemQueueSzie")]
    public void Bad_appsettings_are_fatal(string key, string value, string expectedInMessage) =>
        Assert.Contains(expectedInMessage, FailureWith(1, Configuration((key, value)), null), StringComparison.Ordinal);

    [Fact]
    public void Appsettings_validation_runs_too() =>
        Assert.Equal("--max-deflate-level must be [1,9]", FailureWith(1, Configuration(("Nsqd:MaxDeflateLevel", "12")), null));

    [Fact]
    public void Flags_override_appsettings()
    {
        var options = OptionsWith(Configuration(("Nsqd:MemQueueSize", "7"), ("Nsqd:LookupdTcpAddresses:0", "a:1")), null,
            "--mem-queue-size=9", "--lookupd-tcp-address=b:2");
        Assert.Equal(9, options.MemQueueSize);
        Assert.Equal(["b:2"], options.LookupdTcpAddresses);
    }

    [Fact]
    public void Config_file_uses_nsqds_config_names()
    {
        var options = OptionsWith(null, ConfigFile, "--config=nsqd.cfg");
        Assert.Equal(500, options.MemQueueSize);
        Assert.Equal(TimeSpan.FromSeconds(90), options.MsgTimeout);
        Assert.Equal(7, options.NodeId);
        Assert.Equal(["127.0.0.1:4160", "127.0.0.1:4162"], options.LookupdTcpAddresses);
        Assert.Equal(["127.0.0.1:4181"], options.AuthHttpAddresses);
        Assert.Equal([1.0, 0.99, 1.0], options.E2EProcessingLatencyPercentiles);
        Assert.False(options.Snappy);
        Assert.Equal(4096L, options.MaxBytesPerFile);
        Assert.Equal("tls1.2", options.TlsMinVersion);
    }

    [Fact]
    public void Precedence_is_flags_then_file_then_appsettings_then_defaults()
    {
        var configuration = Configuration(
            ("Nsqd:MemQueueSize", "1"), ("Nsqd:BroadcastAddress", "settings-host"), ("Nsqd:DataPath", "/settings"));
        var options = OptionsWith(configuration, ConfigFile,
            "--config", "nsqd.cfg", "--mem-queue-size=3", "--lookupd-tcp-address=10.0.0.1:4160");
        Assert.Equal(3, options.MemQueueSize);                       // flag over file over settings
        Assert.Equal("file-host", options.BroadcastAddress);        // file over settings
        Assert.Equal("/settings", options.DataPath);                 // settings over default
        Assert.Equal(["10.0.0.1:4160"], options.LookupdTcpAddresses); // a flag list replaces the file's list
        Assert.Equal(TimeSpan.FromMinutes(15), options.MaxMsgTimeout); // default where nobody says anything
    }

    [Fact]
    public void Config_file_accepts_single_strings_for_lists_and_text_for_numbers()
    {
        const string toml = """
            nsqlookupd_tcp_addresses = "127.0.0.1:4160, 127.0.0.1:4162"
            e2e_processing_latency_percentiles = "0.99,0.5"
            mem_queue_size = "250"
            tls_required = "tcp-https"
            tls_cert = "c.pem"
            tls_key = "k.pem"
            """;
        var options = OptionsWith(null, toml, "--config=x");
        Assert.Equal(["127.0.0.1:4160", "127.0.0.1:4162"], options.LookupdTcpAddresses);
        Assert.Equal([0.99, 0.5], options.E2EProcessingLatencyPercentiles);
        Assert.Equal(250, options.MemQueueSize);
        Assert.Equal("tcp-https", options.TlsRequired);
    }

    [Fact]
    public void Config_file_takes_a_toml_bool_for_tls_required() =>
        Assert.Equal("true", OptionsWith(null, "tls_required = true\ntls_cert = \"c\"\ntls_key = \"k\"", "--config=x").TlsRequired);

    [Fact]
    public void Unknown_config_keys_warn_but_do_not_stop()
    {
        var result = Parse(["--config=x"], toml: "node_id = 3\nlog_prefix = \"x \"");
        Assert.Equal(DaemonAction.Run, result.Action);
        Assert.Contains(result.Warnings, w => w.Contains("\"node_id\"", StringComparison.Ordinal)); // nsqd's key is "id"
        Assert.Contains(result.Warnings, w => w.StartsWith("--log-prefix is not implemented", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("mem_queue_size = \"lots\"", "invalid value for \"mem_queue_size\": expected an integer")]
    [InlineData("mem_queue_size = 1.5", "invalid value for \"mem_queue_size\": expected an integer")]
    [InlineData("msg_timeout = 60", "invalid value for \"msg_timeout\": expected a duration string")]
    [InlineData("msg_timeout = \"60\"", "invalid value for \"msg_timeout\": missing unit in duration")]
    [InlineData("snappy = \"sometimes\"", "invalid value for \"snappy\": expected a boolean")]
    [InlineData("nsqlookupd_tcp_addresses = [1, 2]", "invalid value for \"nsqlookupd_tcp_addresses\": expected an array of strings")]
    [InlineData("log_level = \"loud\"", "invalid value for \"log_level\"")]
    [InlineData("mem_queue_size = [", "invalid TOML")]
    public void Bad_config_values_are_fatal(string toml, string expectedMessage)
    {
        var message = FailureWith(1, null, toml, "--config=nsqd.cfg");
        Assert.StartsWith("config file nsqd.cfg: ", message, StringComparison.Ordinal);
        Assert.Contains(expectedMessage, message, StringComparison.Ordinal);
    }

    [Fact]
    public void Config_values_are_validated_like_flags() =>
        Assert.Equal("--node-id must be [0,1024)", FailureWith(1, null, "id = 5000", "--config=x"));

    [Fact]
    public void A_missing_config_file_is_fatal()
    {
        var message = FailureWith(1, null, null, "--config=/no/such/nsqd.cfg");
        Assert.StartsWith("failed to load config file /no/such/nsqd.cfg", message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_real_file_reader_is_used_by_default()
    {
        var path = Path.Combine(Path.GetTempPath(), $"nsqd-cmdline-{Guid.NewGuid():N}.cfg");
        File.WriteAllText(path, "mem_queue_size = 42\n");
        try
        {
            var result = NsqdCommandLine.Parse([$"--config={path}"], NoConfiguration);
            Assert.Equal(42, result.Options!.MemQueueSize);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
