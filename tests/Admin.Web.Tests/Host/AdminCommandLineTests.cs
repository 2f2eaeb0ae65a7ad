using Admin.Core.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using NsqAspire.Daemon.CommandLine;

namespace Admin.Web.Tests.Host;

/// <summary>nsqadmin's flags (spec §7.2) as the host parses them.</summary>
public sealed class AdminCommandLineTests
{
    private static readonly IConfiguration s_empty = new ConfigurationBuilder().Build();

    private static DaemonCommandLineResult<Admin.Core.AdminOptions> Parse(params string[] args) => AdminCommandLine.Parse(args, s_empty);

    [Fact]
    public void Defaults_listen_on_4171()
    {
        var r = Parse("--lookupd-http-address=127.0.0.1:4161");
        Assert.Equal(DaemonAction.Run, r.Action);
        Assert.Equal("0.0.0.0:4171", r.Options!.HttpAddress);
        Assert.Equal(TimeSpan.FromSeconds(2), r.Options.HttpClientConnectTimeout);
        Assert.Equal(TimeSpan.FromSeconds(5), r.Options.HttpClientRequestTimeout);
        Assert.Equal("X-Forwarded-User", r.Options.AclHttpHeader);
        Assert.Equal(LogLevel.Information, r.LogLevel);
    }

    [Fact]
    public void Lookupd_addresses_repeat_and_go_flag_forms_are_accepted()
    {
        var r = Parse("-lookupd-http-address", "a:4161", "--lookupd-http-address=b:4161", "--http-address", "127.0.0.1:9000",
            "--notification-http-endpoint=http://127.0.0.1:4151/pub?topic=admin_actions", "--http-client-request-timeout=750ms",
            "--admin-user=alice", "--admin-user", "bob", "--log-level=debug", "--proxy-graphite", "--graphite-url=http://g", "--", "--urls", "x");
        Assert.Equal(DaemonAction.Run, r.Action);
        Assert.Equal(["a:4161", "b:4161"], r.Options!.LookupdHttpAddresses);
        Assert.Equal("127.0.0.1:9000", r.Options.HttpAddress);
        Assert.Equal("http://127.0.0.1:4151/pub?topic=admin_actions", r.Options.NotificationHttpEndpoint);
        Assert.Equal(TimeSpan.FromMilliseconds(750), r.Options.HttpClientRequestTimeout);
        Assert.Equal(["alice", "bob"], r.Options.AdminUsers);
        Assert.Equal(LogLevel.Debug, r.LogLevel);
        Assert.Equal(["--urls", "x"], r.HostArguments);
    }

    [Fact]
    public void Nsqd_addresses_are_the_static_source()
    {
        var r = Parse("--nsqd-http-address=n1:4151", "--nsqd-http-address=n2:4151");
        Assert.Equal(["n1:4151", "n2:4151"], r.Options!.NsqdHttpAddresses);
        Assert.Empty(r.Options.LookupdHttpAddresses);
    }

    [Fact]
    public void Both_sources_or_none_are_refused_with_nsqadmins_messages()
    {
        var none = Parse();
        Assert.Equal((DaemonAction.Error, 1), (none.Action, none.ExitCode));
        Assert.Contains("--nsqd-http-address or --lookupd-http-address required", none.Output, StringComparison.Ordinal);

        var both = Parse("--nsqd-http-address=n:4151", "--lookupd-http-address=l:4161");
        Assert.Equal(1, both.ExitCode);
        Assert.Contains("not both", both.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--no-such-flag=1", 2)]
    [InlineData("--http-address", 2)]
    [InlineData("stray", 2)]
    [InlineData("--http-client-connect-timeout=soon", 1)]
    [InlineData("--log-level=loud", 1)]
    [InlineData("--notification-http-endpoint=not a url", 1)]
    [InlineData("--base-path=/admin", 1)]
    public void Bad_flags_fail_like_go_flag_does(string arg, int exitCode)
    {
        var r = Parse("--lookupd-http-address=l:4161", arg);
        Assert.Equal(DaemonAction.Error, r.Action);
        Assert.Equal(exitCode, r.ExitCode);
    }

    [Fact]
    public void Version_and_help()
    {
        Assert.Equal(DaemonAction.ShowVersion, Parse("--version").Action);
        Assert.StartsWith("nsqadmin v1.3.0", Parse("--version").Output, StringComparison.Ordinal);
        var help = Parse("--help");
        Assert.Equal(DaemonAction.ShowHelp, help.Action);
        Assert.Contains("--lookupd-http-address", help.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Configuration_section_sits_under_flags_and_config_file_between()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Admin:HttpAddress"] = "127.0.0.1:1111",
            ["Admin:LookupdHttpAddresses:0"] = "from-settings:4161",
            ["Admin:NotificationHttpEndpoint"] = "http://settings/notify",
        }).Build();
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, """
                http_address = "127.0.0.1:2222"
                nsqlookupd_http_addresses = ["file-a:4161", "file-b:4161"]
                """);
            var r = AdminCommandLine.Parse(["--config", file, "--http-address=127.0.0.1:3333"], configuration);
            Assert.Equal(DaemonAction.Run, r.Action);
            Assert.Equal("127.0.0.1:3333", r.Options!.HttpAddress);
            Assert.Equal(["file-a:4161", "file-b:4161"], r.Options.LookupdHttpAddresses);
            Assert.Equal("http://settings/notify", r.Options.NotificationHttpEndpoint);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Aspire_style_urls_are_accepted_as_addresses()
    {
        var r = Parse("--lookupd-http-address=http://nsqlookupd0", "--lookupd-http-address=http://nsqlookupd1");
        Assert.Equal(DaemonAction.Run, r.Action);
        Assert.Equal(new Uri("http://nsqlookupd0/"), Admin.Core.AdminOptions.UpstreamUri(r.Options!.LookupdHttpAddresses[0]));
    }

    [Theory]
    [InlineData("--http-client-tls-insecure-skip-verify")]
    [InlineData("--http-client-tls-root-ca-file=/etc/ca.pem")]
    [InlineData("--http-client-tls-cert=/etc/cert.pem")]
    [InlineData("--http-client-tls-key", "/etc/key.pem")]
    [InlineData("--allow-config-from-cidr=10.0.0.0/8")]
    [InlineData("--log-prefix=[admin] ")]
    [InlineData("--dev-static-dir=/tmp")]
    public void Real_nsqadmin_flags_without_effect_are_accepted_with_a_warning(params string[] args)
    {
        var r = Parse(["--lookupd-http-address=l:4161", .. args]);
        Assert.Equal(DaemonAction.Run, r.Action);
        var flag = args[0].Split('=')[0];
        Assert.Contains(r.Warnings, w => w.StartsWith($"{flag} is accepted for nsqadmin compatibility, no effect", StringComparison.Ordinal));
    }

    [Fact]
    public void Help_marks_flags_without_effect()
    {
        var help = Parse("--help").Output;
        foreach (var flag in new[] { "http-client-tls-insecure-skip-verify", "http-client-tls-root-ca-file", "http-client-tls-cert",
                     "http-client-tls-key", "allow-config-from-cidr", "log-prefix" })
        {
            var entry = help[help.IndexOf($"  --{flag}", StringComparison.Ordinal)..];
            entry = entry[..entry.IndexOf("\n  --", 1, StringComparison.Ordinal)];
            Assert.Contains("[accepted for nsqadmin compatibility, no effect here]", entry, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_bad_upstream_in_the_config_file_is_a_bad_value()
    {
        var r = AdminCommandLine.Parse(["--config=admin.cfg"], s_empty, _ => "nsqd_http_addresses = [\" \"]");
        Assert.Equal((DaemonAction.Error, 1), (r.Action, r.ExitCode));
        Assert.Contains("nsqd_http_addresses", r.Output, StringComparison.Ordinal);
    }
}
