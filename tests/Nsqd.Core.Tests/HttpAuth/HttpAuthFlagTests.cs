using static Nsqd.Core.Tests.CommandLine.CommandLineTestSupport;

namespace Nsqd.Core.Tests.HttpAuth;

/// <summary>docs/http-auth.md "Flags": <c>--http-auth</c> and <c>--http-auth-token</c> in every source.</summary>
public class HttpAuthFlagTests
{
    [Fact]
    public void Defaults_are_writes_and_no_tokens()
    {
        var options = Options();
        Assert.Equal("writes", options.HttpAuth);
        Assert.Empty(options.HttpAuthTokens);
    }

    [Theory]
    [InlineData("--http-auth=all", "all")]
    [InlineData("--http-auth=OFF", "off")]
    [InlineData("--http-auth=writes", "writes")]
    public void Http_auth_takes_three_values(string arg, string expected) => Assert.Equal(expected, Options(arg).HttpAuth);

    [Theory]
    [InlineData("--http-auth=none")]
    [InlineData("--http-auth=")]
    public void Other_http_auth_values_are_refused_naming_the_valid_ones(string arg)
        => Assert.Contains("expected writes, all or off", Failure(1, arg), StringComparison.Ordinal);

    [Fact]
    public void Tokens_repeat()
        => Assert.Equal(["a", "b"], Options("--http-auth-token=a", "--http-auth-token", "b").HttpAuthTokens);

    [Fact]
    public void Settings_take_tokens_as_one_comma_list_or_indexed_keys()
    {
        Assert.Equal(["a", "b"], OptionsWith(Configuration(("Nsqd:HttpAuthTokens", "a, b")), null).HttpAuthTokens);
        Assert.Equal(["x", "y"], OptionsWith(Configuration(("Nsqd:HttpAuthTokens:0", "x"), ("Nsqd:HttpAuthTokens:1", "y")), null).HttpAuthTokens);
        Assert.Equal("all", OptionsWith(Configuration(("Nsqd:HttpAuth", "all")), null).HttpAuth);
        // A comma list next to a duration rewrite and an indexed list: each keeps its own form.
        var options = OptionsWith(Configuration(("Nsqd:HttpAuthTokens", "a"), ("Nsqd:MsgTimeout", "90s"),
            ("Nsqd:LookupdTcpAddresses:0", "127.0.0.1:4160")), null);
        Assert.Equal(["a"], options.HttpAuthTokens);
        Assert.Equal(TimeSpan.FromSeconds(90), options.MsgTimeout);
        Assert.Equal(["127.0.0.1:4160"], options.LookupdTcpAddresses);
    }

    [Fact]
    public void A_bad_mode_in_settings_is_refused()
        => Assert.Contains("--http-auth must be writes, all or off", FailureWith(1, Configuration(("Nsqd:HttpAuth", "sometimes")), null),
            StringComparison.Ordinal);

    [Fact]
    public void Config_file_uses_snake_case_keys()
    {
        var options = OptionsWith(null, "http_auth = \"all\"\nhttp_auth_tokens = [\"t1\", \"t2\"]", "--config=x");
        Assert.Equal("all", options.HttpAuth);
        Assert.Equal(["t1", "t2"], options.HttpAuthTokens);
    }
}
