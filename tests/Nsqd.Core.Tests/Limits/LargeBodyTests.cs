using Nsq.Protocol.V2;
using Nsqd.Core.Tests.Infrastructure;

namespace Nsqd.Core.Tests.Limits;

/// <summary>Bodies near the configured limits pass through the transport (whose default read buffer is smaller).</summary>
public class LargeBodyTests
{
    [Fact]
    public async Task Mpub_just_under_max_body_size_is_accepted()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        var body = new byte[1024 * 1024 - 16];
        var bodies = Enumerable.Range(0, 4).Select(_ => (ReadOnlyMemory<byte>)body).ToArray();
        await c.SendAsync(o => CommandWriter.Mpub(o, "big", bodies));
        Assert.Equal("OK", await c.ReadResponseTextAsync(TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public async Task Pub_of_max_msg_size_is_accepted_and_one_more_byte_is_refused()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var c = await broker.ConnectAsync();
        await c.SendAsync(o => CommandWriter.Pub(o, "big", new byte[1024 * 1024]));
        Assert.Equal("OK", await c.ReadResponseTextAsync(TimeSpan.FromSeconds(20)));
        await c.SendAsync(o => CommandWriter.Pub(o, "big", new byte[1024 * 1024 + 1]));
        await c.AssertFatalAsync("ERR E_BAD_MESSAGE PUB message too big 1048577 > 1048576");
    }
}
