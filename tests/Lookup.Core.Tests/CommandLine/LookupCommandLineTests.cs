using Lookup.Core.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using NsqAspire.Daemon.CommandLine;

namespace Lookup.Core.Tests.CommandLine;

/// <summary>The lookup host's nsqlookupd-style flags over configuration.</summary>
public sealed class LookupCommandLineTests
{
    private static IConfiguration Config(params (string Key, string Value)[] values)
        => new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void Defaults()
    {
        var r = LookupCommandLine.Parse([], Config());
        Assert.Equal(DaemonAction.Run, r.Action);
        Assert.Equal("0.0.0.0:4160", r.Options!.TcpAddress);
        Assert.Equal("0.0.0.0:4161", r.Options.HttpAddress);
        Assert.Equal(TimeSpan.FromMinutes(5), r.Options.InactiveProducerTimeout);
        Assert.Equal(TimeSpan.FromSeconds(45), r.Options.TombstoneLifetime);
        Assert.Equal("", r.Options.Redis);
        Assert.Equal(LogLevel.Information, r.LogLevel);
    }

    [Fact]
    public void Flags_in_both_forms_override_configuration()
    {
        var r = LookupCommandLine.Parse(
            ["--tcp-address=127.0.0.1:1", "-http-address", "127.0.0.1:2", "--broadcast-address", "b", "--inactive-producer-timeout=1m30s",
             "--tombstone-lifetime", "10s", "--grpc-address=127.0.0.1:3", "--log-level=debug", "--", "--urls=x"],
            Config(("Lookup:TcpAddress", "9.9.9.9:9"), ("Lookup:BroadcastAddress", "cfg"), ("ConnectionStrings:redis", "redis:6379")));
        var o = r.Options!;
        Assert.Equal(("127.0.0.1:1", "127.0.0.1:2", "b", "127.0.0.1:3"), (o.TcpAddress, o.HttpAddress, o.BroadcastAddress, o.GrpcAddress));
        Assert.Equal(TimeSpan.FromSeconds(90), o.InactiveProducerTimeout);
        Assert.Equal(TimeSpan.FromSeconds(10), o.TombstoneLifetime);
        Assert.Equal("redis:6379", o.Redis);
        Assert.Equal(LogLevel.Debug, r.LogLevel);
        Assert.Equal(["--urls=x"], r.HostArguments);
    }

    [Fact]
    public void Redis_flag_beats_the_aspire_connection_string()
        => Assert.Equal("flag:1", LookupCommandLine.Parse(["--redis=flag:1"], Config(("ConnectionStrings:redis", "aspire:1"))).Options!.Redis);

    [Fact]
    public void Config_file_uses_snake_case_keys()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "tcp_address = \"127.0.0.1:7\"\ntombstone_lifetime = \"3s\"\nunknown = 1\n");
            var o = LookupCommandLine.Parse(["--config", path, "--http-address=127.0.0.1:8"], Config()).Options!;
            Assert.Equal(("127.0.0.1:7", "127.0.0.1:8"), (o.TcpAddress, o.HttpAddress));
            Assert.Equal(TimeSpan.FromSeconds(3), o.TombstoneLifetime);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(2, "--nope")]
    [InlineData(2, "--tcp-address")]
    [InlineData(1, "--tombstone-lifetime=45")]
    [InlineData(1, "--log-level=loud")]
    public void Errors(int code, string arg)
    {
        var r = LookupCommandLine.Parse([arg], Config());
        Assert.Equal((DaemonAction.Error, code), (r.Action, r.ExitCode));
    }

    [Fact]
    public void Version_and_help()
    {
        Assert.Equal(DaemonAction.ShowVersion, LookupCommandLine.Parse(["--version"], Config()).Action);
        Assert.Equal(DaemonAction.ShowHelp, LookupCommandLine.Parse(["-h"], Config()).Action);
    }

    [Theory]
    [InlineData("--log-prefix=[lookup] ", "--log-prefix")]
    [InlineData("--verbose", "--verbose")]
    public void Nsqlookupd_flags_without_effect_are_accepted_with_a_warning_and_marked_in_help(string arg, string flag)
    {
        var r = LookupCommandLine.Parse([arg], Config());
        Assert.Equal(DaemonAction.Run, r.Action);
        Assert.Contains(r.Warnings, w => w.StartsWith($"{flag} is accepted for nsqlookupd compatibility, no effect", StringComparison.Ordinal));
        var help = LookupCommandLine.Parse(["--help"], Config()).Output;
        Assert.Contains($"  {flag}", help, StringComparison.Ordinal);
        Assert.Contains("[accepted for nsqlookupd compatibility, no effect here]", help, StringComparison.Ordinal);
    }

    [Fact]
    public void Usage_errors_point_at_help_in_the_shared_format()
    {
        var r = LookupCommandLine.Parse(["--nope"], Config());
        Assert.Equal("flag provided but not defined: --nope\nRun 'nsqlookupd --help' for the list of flags.", r.Output);
    }

    [Fact]
    public void Bad_settings_values_name_their_key()
    {
        var r = LookupCommandLine.Parse([], Config(("Lookup:TombstoneLifetime", "45")));
        Assert.Equal((DaemonAction.Error, 1), (r.Action, r.ExitCode));
        Assert.Contains("Lookup:TombstoneLifetime", r.Output, StringComparison.Ordinal);
    }
}
