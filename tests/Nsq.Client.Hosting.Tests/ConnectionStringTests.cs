namespace Nsq.Client.Hosting.Tests;

public sealed class ConnectionStringTests
{
    [Fact]
    public void Keyed_form_lists_nsqd_and_lookupd()
    {
        var cs = NsqConnectionString.Parse("nsqd=127.0.0.1:4150, tcp://nsqd-1:4151/ ;LOOKUPD=http://127.0.0.1:4161,lookup-1:4161");
        Assert.Equal(["127.0.0.1:4150", "nsqd-1:4151"], cs.NsqdTcpAddresses);
        Assert.Equal(["http://127.0.0.1:4161", "lookup-1:4161"], cs.LookupdHttpAddresses);
        Assert.Equal("nsqd=127.0.0.1:4150,nsqd-1:4151;lookupd=http://127.0.0.1:4161,lookup-1:4161", cs.ToString());
    }

    [Fact]
    public void Plain_list_is_nsqd_addresses()
    {
        var cs = NsqConnectionString.Parse("127.0.0.1:4150,[::1]:4152");
        Assert.Equal(["127.0.0.1:4150", "[::1]:4152"], cs.NsqdTcpAddresses);
        Assert.Empty(cs.LookupdHttpAddresses);
    }

    [Fact]
    public void Lookupd_only_is_valid()
    {
        var cs = NsqConnectionString.Parse("lookupd=https://lookup.example:4161/");
        Assert.Empty(cs.NsqdTcpAddresses);
        Assert.Equal(["https://lookup.example:4161/"], cs.LookupdHttpAddresses);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData(" ; ", "';' must be host:port")]
    [InlineData(";lookupd=", "'lookupd' lists no address")]
    [InlineData("nsqd=", "'nsqd' lists no address")]
    [InlineData("nsqd=host", "'host' must be host:port")]
    [InlineData("nsqd=host:0", "port in 1..65535")]
    [InlineData("nsqd=host:70000", "port in 1..65535")]
    [InlineData("nsqd=host:41x0", "port in 1..65535")]
    [InlineData("nsqd=:4150", "':4150' must be host:port")]
    [InlineData("nsqd=http://host:4150", "must be host:port or tcp://host:port")]
    [InlineData("lookupd=ftp://host:4161", "must be host:port or an http(s) URL")]
    [InlineData("nsqd=a:1;nsqd=b:2", "'nsqd' appears more than once")]
    [InlineData("nsqd=a:1;redis=b:2", "unknown key 'redis'")]
    [InlineData("nsqd=a:1;junk", "'junk' is not key=value")]
    [InlineData("a:1,b", "'b' must be host:port")]
    public void Invalid_strings_are_rejected_with_the_reason(string value, string reason)
    {
        var ex = Assert.Throws<FormatException>(() => NsqConnectionString.Parse(value));
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
        Assert.False(NsqConnectionString.TryParse(value, out var result, out var error));
        Assert.Null(result);
        Assert.Equal(ex.Message, error);
    }
}
