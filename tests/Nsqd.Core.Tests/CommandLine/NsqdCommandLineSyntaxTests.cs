using NsqAspire.Daemon.CommandLine;
using Nsqd.Core.CommandLine;
using static Nsqd.Core.Tests.CommandLine.CommandLineTestSupport;

namespace Nsqd.Core.Tests.CommandLine;

/// <summary>Go flag syntax, help/version and exit codes.</summary>
public sealed class NsqdCommandLineSyntaxTests
{
    [Fact]
    public void No_arguments_gives_nsqd_defaults()
    {
        var options = Options();
        var defaults = new NsqdOptions();
        Assert.Equal(defaults.TcpAddress, options.TcpAddress);
        Assert.Equal(10000, options.MemQueueSize);
        Assert.Equal(TimeSpan.FromMinutes(1), options.MsgTimeout);
        Assert.True(options.Snappy);
        Assert.Empty(options.LookupdTcpAddresses);
    }

    [Theory]
    [InlineData("--mem-queue-size=5")]
    [InlineData("-mem-queue-size=5")]
    [InlineData("--mem-queue-size", "5")]
    [InlineData("-mem-queue-size", "5")]
    public void Accepts_every_go_spelling_of_a_value(params string[] args) =>
        Assert.Equal(5, Options(args).MemQueueSize);

    [Theory]
    [InlineData(true, "--snappy")]
    [InlineData(true, "-snappy")]
    [InlineData(false, "--snappy=false")]
    [InlineData(false, "-snappy=false")]
    [InlineData(false, "--snappy=0")]
    [InlineData(true, "--snappy=false", "--snappy")]
    public void Bool_flags_are_bare_or_take_equals(bool expected, params string[] args) =>
        Assert.Equal(expected, Options(args).Snappy);

    [Fact]
    public void Bool_flags_never_take_a_separate_value()
    {
        var message = Failure(NsqdCommandLine.UsageErrorExitCode, "--deflate", "false");
        Assert.Contains("unexpected argument \"false\"", message, StringComparison.Ordinal);
        Assert.Contains("--snappy=false", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Last_occurrence_of_a_scalar_wins() =>
        Assert.Equal(2, Options("--mem-queue-size=1", "--mem-queue-size=2").MemQueueSize);

    [Fact]
    public void A_value_may_look_like_a_flag() =>
        Assert.Equal("-odd", Options("--data-path", "-odd").DataPath);

    [Fact]
    public void A_value_may_be_empty() =>
        Assert.Equal("", Options("--http-address=").HttpAddress);

    [Theory]
    [InlineData("--nope", "flag provided but not defined: --nope")]
    [InlineData("-nope=1", "flag provided but not defined: -nope")]
    [InlineData("--Mem-Queue-Size=1", "flag provided but not defined: --Mem-Queue-Size")]
    [InlineData("---mem-queue-size=1", "bad flag syntax: ---mem-queue-size=1")]
    [InlineData("-=1", "bad flag syntax: -=1")]
    [InlineData("--data-path", "flag needs an argument: --data-path")]
    [InlineData("positional", "unexpected argument \"positional\"")]
    [InlineData("-", "unexpected argument \"-\"")]
    public void Usage_errors_exit_2(string arg, string expectedMessage)
    {
        var message = Failure(2, arg);
        Assert.Contains(expectedMessage, message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--mem-queue-size=abc", "invalid value \"abc\" for flag --mem-queue-size: expected an integer")]
    [InlineData("-mem-queue-size=99999999999", "invalid value \"99999999999\" for flag -mem-queue-size: value out of range")]
    [InlineData("--snappy=yes", "invalid value \"yes\" for flag --snappy: expected a boolean")]
    [InlineData("--msg-timeout=60", "invalid value \"60\" for flag --msg-timeout: missing unit in duration")]
    public void Bad_values_exit_1(string arg, string expectedMessage)
    {
        var message = Failure(NsqdCommandLine.InvalidValueExitCode, arg);
        Assert.Contains(expectedMessage, message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_first_error_is_reported() =>
        Assert.Contains("--nope", Failure(2, "--nope", "--mem-queue-size=abc"), StringComparison.Ordinal);

    [Theory]
    [InlineData("--version")]
    [InlineData("-version")]
    [InlineData("--version=true")]
    [InlineData("--version", "--mem-queue-size=-5")]
    public void Version_prints_and_exits(params string[] args)
    {
        var result = Parse(args);
        Assert.Equal(DaemonAction.ShowVersion, result.Action);
        Assert.Equal("nsqd v1.3.0 (built w/dotnet)", result.Output);
        Assert.Equal(0, result.ExitCode);
    }

    [Fact]
    public void Version_wins_over_a_broken_config_file() =>
        Assert.Equal(DaemonAction.ShowVersion, Parse(["--config=missing.toml", "--version"]).Action);

    [Fact]
    public void Version_false_runs() => Assert.Equal(DaemonAction.Run, Parse(["--version=false"]).Action);

    [Fact]
    public void Unknown_flags_still_fail_next_to_version() => Failure(2, "--version", "--nope");

    [Theory]
    [InlineData("-h")]
    [InlineData("--help")]
    [InlineData("-help")]
    public void Help_lists_every_flag(string arg)
    {
        var result = Parse([arg, "--nope"]);
        Assert.Equal(DaemonAction.ShowHelp, result.Action);
        Assert.Equal(0, result.ExitCode);
        foreach (var flag in NsqdFlags.All)
            Assert.Contains($"--{flag.Name}", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Arguments_after_the_terminator_go_to_the_host()
    {
        var result = Parse(["--snappy=false", "--", "--urls", "http://127.0.0.1:1", "positional"]);
        Assert.Equal(DaemonAction.Run, result.Action);
        Assert.False(result.Options!.Snappy);
        Assert.Equal(["--urls", "http://127.0.0.1:1", "positional"], result.HostArguments);
    }

    [Fact]
    public void A_terminator_in_value_position_is_a_value()
    {
        var result = Parse(["--data-path", "--"]);
        Assert.Equal("--", result.Options!.DataPath);
        Assert.Empty(result.HostArguments);
    }
}
