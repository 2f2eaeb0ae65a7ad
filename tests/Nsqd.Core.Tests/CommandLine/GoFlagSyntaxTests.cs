using Microsoft.Extensions.Configuration;
using NsqAspire.Daemon.CommandLine;
using Flag = NsqAspire.Daemon.CommandLine.DaemonFlag<Nsqd.Core.Tests.CommandLine.GoFlagSyntaxTests.SampleOptions>;

namespace Nsqd.Core.Tests.CommandLine;

/// <summary>Go flag syntax as the shared daemon machinery reads it for every daemon (nsqd, nsqlookupd, nsqadmin),
/// on a small flag table of the kinds they use: a bool, a string, a repeatable list.</summary>
public class GoFlagSyntaxTests
{
    public sealed class SampleOptions
    {
        public bool Verbose { get; set; }
        public string HttpAddress { get; set; } = "";
        public List<string> LookupdHttpAddresses { get; set; } = [];
    }

    private static readonly DaemonCommandLine<SampleOptions> s_commandLine = new("sampled", "1.0.0",
    [
        DaemonCommandLine<SampleOptions>.ConfigFlag(),
        DaemonCommandLine<SampleOptions>.VersionFlag(),
        Flag.Bool("verbose", false, "more output", (o, v) => o.Verbose = v),
        Flag.String("http-address", "", "listen address", (o, v) => o.HttpAddress = v),
        Flag.StringList("lookupd-http-address", "lookupd_http_addresses", "lookupd (repeatable)", (o, v) => o.LookupdHttpAddresses = v),
    ], static () => new SampleOptions(), static _ => { }, bindSettings: null);

    private static DaemonCommandLineResult<SampleOptions> Parse(params string[] args) =>
        s_commandLine.Parse(args, new ConfigurationBuilder().Build());

    [Fact]
    public void Reads_single_and_double_dash_with_equals_or_next_argument_in_order()
    {
        var result = Parse("-http-address=1:2", "--lookupd-http-address", "a:1", "--verbose", "--lookupd-http-address=b:2", "--", "--urls", "x");
        Assert.Equal(DaemonAction.Run, result.Action);
        Assert.Equal("1:2", result.Options!.HttpAddress);
        Assert.True(result.Options.Verbose);
        Assert.Equal(["a:1", "b:2"], result.Options.LookupdHttpAddresses);
        Assert.Equal(["--urls", "x"], result.HostArguments);
    }

    [Fact]
    public void A_bool_takes_an_explicit_value_only_after_equals()
    {
        var explicitFalse = Parse("--verbose", "--verbose=false");
        Assert.Equal(DaemonAction.Run, explicitFalse.Action);
        Assert.False(explicitFalse.Options!.Verbose);
        var separate = Parse("--verbose", "false");
        Assert.Equal((DaemonAction.Error, 2), (separate.Action, separate.ExitCode));
        Assert.StartsWith("unexpected argument \"false\"", separate.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--nope", "flag provided but not defined: --nope")]
    [InlineData("--http-address", "flag needs an argument: --http-address")]
    [InlineData("-", "unexpected argument \"-\"")]
    [InlineData("positional", "unexpected argument \"positional\"")]
    public void Syntax_errors_use_gos_wording_and_exit_2(string arg, string expected)
    {
        var result = Parse(arg);
        Assert.Equal((DaemonAction.Error, 2), (result.Action, result.ExitCode));
        Assert.StartsWith(expected, result.Output, StringComparison.Ordinal);
        Assert.EndsWith("Run 'sampled --help' for the list of flags.", result.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-h")]
    [InlineData("--help")]
    public void Help_stops_reading(string arg)
    {
        var result = Parse(arg, "--nope");
        Assert.Equal(DaemonAction.ShowHelp, result.Action);
        Assert.StartsWith("Usage of sampled:", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Version_line_has_one_format() =>
        Assert.Equal("sampled v1.0.0 (built w/dotnet)", Parse("--version").Output);
}
