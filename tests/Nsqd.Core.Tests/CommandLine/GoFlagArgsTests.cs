using NsqAspire.Daemon.CommandLine;

namespace Nsqd.Core.Tests.CommandLine;

/// <summary>Go flag syntax shared by the nsqlookupd and nsqadmin command lines.</summary>
public class GoFlagArgsTests
{
    private static bool? KindOf(string name) => name switch
    {
        "verbose" => true,
        "http-address" or "lookupd-http-address" => false,
        _ => null,
    };

    [Fact]
    public void Reads_single_and_double_dash_with_equals_or_next_argument_in_order()
    {
        var outcome = GoFlagArgs.Read(["-http-address=1:2", "--lookupd-http-address", "a:1", "--verbose", "--lookupd-http-address=b:2", "--", "--urls", "x"],
            KindOf, out var flags, out var host, out _);
        Assert.Equal(GoFlagArgsOutcome.Flags, outcome);
        Assert.Equal(
            [new("http-address", "1:2"), new("lookupd-http-address", "a:1"), new("verbose", "true"), new("lookupd-http-address", "b:2")],
            flags);
        Assert.Equal(["--urls", "x"], host);
    }

    [Fact]
    public void A_bool_takes_an_explicit_value_only_after_equals()
    {
        Assert.Equal(GoFlagArgsOutcome.Flags, GoFlagArgs.Read(["--verbose=false"], KindOf, out var flags, out _, out _));
        Assert.Equal([new("verbose", "false")], flags);
        Assert.Equal(GoFlagArgsOutcome.Error, GoFlagArgs.Read(["--verbose", "false"], KindOf, out _, out _, out var error));
        Assert.Equal("unexpected argument false", error);
    }

    [Theory]
    [InlineData("--nope", "flag provided but not defined: -nope")]
    [InlineData("--http-address", "flag needs an argument: -http-address")]
    [InlineData("-", "unexpected argument -")]
    [InlineData("positional", "unexpected argument positional")]
    public void Syntax_errors_use_gos_wording(string arg, string expected)
    {
        Assert.Equal(GoFlagArgsOutcome.Error, GoFlagArgs.Read([arg], KindOf, out _, out _, out var error));
        Assert.Equal(expected, error);
    }

    [Theory]
    [InlineData("-h")]
    [InlineData("--help")]
    public void Help_stops_reading(string arg) =>
        Assert.Equal(GoFlagArgsOutcome.Help, GoFlagArgs.Read([arg, "--nope"], KindOf, out _, out _, out _));
}
