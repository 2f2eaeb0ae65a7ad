using System.Text;
using Nsq.Protocol.V2;

namespace Nsq.Protocol.Tests;

/// <summary>Spec §1.3 names and §1.13 message IDs.</summary>
public class NamesAndIdsTests
{
    [Theory]
    [InlineData("test", true)]
    [InlineData("a.b_c-D9", true)]
    [InlineData("t#ephemeral", true)]
    [InlineData("#ephemeral", false)]
    [InlineData("bad!topic", false)]
    [InlineData("", false)]
    [InlineData("t#ephemeral#ephemeral", false)]
    [InlineData("t#eph", false)]
    [InlineData("sp ace", false)]
    public void Name_rules(string name, bool valid)
    {
        Assert.Equal(valid, Names.IsValid(name));
        Assert.Equal(valid, Names.IsValid(Encoding.ASCII.GetBytes(name)));
    }

    [Fact]
    public void Length_limit_is_64_including_the_suffix()
    {
        Assert.True(Names.IsValid(new string('a', 64)));
        Assert.False(Names.IsValid(new string('a', 65)));
        Assert.True(Names.IsValid(new string('a', 54) + "#ephemeral"));
        Assert.False(Names.IsValid(new string('a', 55) + "#ephemeral"));
    }

    [Fact]
    public void Ids_are_16_lowercase_hex_and_round_trip()
    {
        Span<byte> buf = stackalloc byte[16];
        MessageId.Format(0x18a741f78e669000, buf);
        Assert.Equal("18a741f78e669000", Encoding.ASCII.GetString(buf));
        Assert.True(MessageId.TryParse(buf, out var id));
        Assert.Equal(0x18a741f78e669000UL, id);
        Assert.False(MessageId.TryParse("18a741f78e66900"u8, out _));
        Assert.False(MessageId.TryParse("18a741f78e66900g"u8, out _));
        Assert.Equal("ffffffffffffffff", MessageId.ToString(ulong.MaxValue));
    }

    [Fact]
    public void Only_three_errors_are_non_fatal()
    {
        Assert.False(ErrorCode.IsFatal(ErrorCode.FinFailed));
        Assert.False(ErrorCode.IsFatal(ErrorCode.ReqFailed));
        Assert.False(ErrorCode.IsFatal(ErrorCode.TouchFailed));
        Assert.True(ErrorCode.IsFatal(ErrorCode.Invalid));
        Assert.True(ErrorCode.IsFatal(ErrorCode.BadBody));
        Assert.True(ErrorCode.IsFatal(ErrorCode.PubFailed));
    }
}
