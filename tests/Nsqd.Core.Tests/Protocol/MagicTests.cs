using System.Text;
using Nsqd.Core.Tests.Infrastructure;
using static Nsqd.Core.Tests.Infrastructure.ProtocolAssertions;

namespace Nsqd.Core.Tests.Protocol;

/// <summary>Spec §2.1: the 4-byte magic.</summary>
public class MagicTests
{
    [Theory]
    [InlineData("  V1")]
    [InlineData("GET ")]
    [InlineData("\0\0\0\0")]
    public async Task Wrong_magic_gets_E_BAD_PROTOCOL_and_close(string magic)
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync(magic: false);
        await c.SendAsync(Encoding.Latin1.GetBytes(magic));
        await c.AssertFatalAsync("ERR E_BAD_PROTOCOL");
    }

    [Fact]
    public async Task Magic_sends_nothing_back_and_may_arrive_byte_by_byte()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync(magic: false);
        foreach (var b in "  V2"u8.ToArray()) await c.SendAsync(new[] { b });
        await c.AssertNothingWithinAsync(Short);
        await c.PublishAsync("t", "after-magic");
    }

    [Fact]
    public async Task Close_before_four_bytes_is_silent_and_harmless()
    {
        await using var broker = await TestBroker.StartAsync();
        await using (var c = await broker.ConnectAsync(magic: false))
        {
            await c.SendAsync("  V"u8.ToArray());
        }
        await using var ok = await broker.ConnectAsync();
        await ok.PublishAsync("t", "still serving");
    }

    [Fact]
    public async Task Magic_and_first_command_in_one_write()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync(magic: false);
        await c.SendAsync(Concat("  V2"u8.ToArray(), Frame("PUB t", "x"u8.ToArray())));
        Assert.Equal("OK", await c.ReadResponseTextAsync());
    }
}
