using Lookup.Core.CommandLine;
using Microsoft.Extensions.Configuration;
using NsqAspire.Daemon.CommandLine;

namespace Lookup.Core.Tests.HttpAuth;

/// <summary>docs/http-auth.md "Flags" on nsqlookupd: the auth server, the mode and static tokens, from every source.</summary>
public sealed class LookupHttpAuthFlagTests
{
    private static IConfiguration Config(params (string Key, string Value)[] values)
        => new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    private static LookupOptions Run(string[] args, IConfiguration? config = null, string? toml = null)
    {
        var r = LookupCommandLine.Parse(args, config ?? Config(), _ => toml ?? throw new FileNotFoundException());
        Assert.True(r.Action == DaemonAction.Run, r.Output);
        return r.Options!;
    }

    [Fact]
    public void Defaults_are_no_auth_server_writes_and_no_tokens()
    {
        var o = Run([]);
        Assert.Empty(o.AuthHttpAddresses);
        Assert.Equal("get", o.AuthHttpRequestMethod);
        Assert.Equal("writes", o.HttpAuth);
        Assert.Empty(o.HttpAuthTokens);
    }

    [Fact]
    public void Flags_repeat_and_normalize()
    {
        var o = Run(["--auth-http-address=127.0.0.1:4181", "--auth-http-address", "https://auth.local/", "--auth-http-request-method=post",
            "--http-auth=ALL", "--http-auth-token=a", "--http-auth-token=b"]);
        Assert.Equal(["127.0.0.1:4181", "https://auth.local/"], o.AuthHttpAddresses);
        Assert.Equal("post", o.AuthHttpRequestMethod);
        Assert.Equal("all", o.HttpAuth);
        Assert.Equal(["a", "b"], o.HttpAuthTokens);
    }

    [Fact]
    public void Settings_take_comma_lists()
    {
        var o = Run([], Config(("Lookup:HttpAuthTokens", "a,b"), ("Lookup:AuthHttpAddresses", "127.0.0.1:1,127.0.0.1:2"), ("Lookup:HttpAuth", "off")));
        Assert.Equal(["a", "b"], o.HttpAuthTokens);
        Assert.Equal(["127.0.0.1:1", "127.0.0.1:2"], o.AuthHttpAddresses);
        Assert.Equal("off", o.HttpAuth);
    }

    [Fact]
    public void Config_file_uses_snake_case_keys()
    {
        var o = Run(["--config=x"], toml: "http_auth = \"all\"\nhttp_auth_tokens = [\"t\"]\nauth_http_addresses = [\"127.0.0.1:1\"]");
        Assert.Equal("all", o.HttpAuth);
        Assert.Equal(["t"], o.HttpAuthTokens);
        Assert.Equal(["127.0.0.1:1"], o.AuthHttpAddresses);
    }

    [Theory]
    [InlineData("--http-auth=maybe", "expected writes, all or off")]
    [InlineData("--auth-http-request-method=put", "--auth-http-request-method must be post or get")]
    public void Bad_values_are_refused_with_a_clear_message(string arg, string message)
    {
        var r = LookupCommandLine.Parse([arg], Config());
        Assert.Equal(DaemonAction.Error, r.Action);
        Assert.Contains(message, r.Output, StringComparison.Ordinal);
    }
}
