using System.Text;
using Nsq.Protocol.V2;
using Nsqd.Core.Tests.Infrastructure;

namespace Nsqd.Core.Tests.Protocol;

public class PubSubTests
{
    [Fact]
    public async Task Pub_then_sub_delivers_with_attempts_1_and_fin_completes()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var pub = await broker.ConnectAsync();
        await pub.SendAsync(o => CommandWriter.Pub(o, "t", "hello"u8));
        Assert.Equal("OK", await pub.ReadResponseTextAsync());

        await using var sub = await broker.ConnectAsync();
        await sub.SendAsync(o => CommandWriter.Sub(o, "t", "c"));
        Assert.Equal("OK", await sub.ReadResponseTextAsync());
        await sub.SendAsync(o => CommandWriter.Rdy(o, 1));
        var m = await sub.ReadMessageAsync();
        Assert.Equal(1, m.Attempts);
        Assert.Equal("hello", Encoding.UTF8.GetString(m.Body));
        await sub.SendAsync(o => CommandWriter.Fin(o, Encoding.ASCII.GetBytes(m.Id)));
        await sub.SendAsync(o => CommandWriter.Fin(o, Encoding.ASCII.GetBytes(m.Id)));
        Assert.Equal($"ERR E_FIN_FAILED FIN {m.Id} failed ID not in flight", await sub.ReadResponseTextAsync());
    }

    [Fact]
    public async Task Mpub_fans_out_to_every_channel()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var a = await broker.ConnectAsync();
        await using var b = await broker.ConnectAsync();
        foreach (var (c, ch) in new[] { (a, "a"), (b, "b") })
        {
            await c.SendAsync(o => CommandWriter.Sub(o, "fan", ch));
            Assert.Equal("OK", await c.ReadResponseTextAsync());
            await c.SendAsync(o => CommandWriter.Rdy(o, 100));
        }
        await using var pub = await broker.ConnectAsync();
        var bodies = Enumerable.Range(0, 50).Select(i => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes($"m{i}")).ToArray();
        await pub.SendAsync(o => CommandWriter.Mpub(o, "fan", bodies));
        Assert.Equal("OK", await pub.ReadResponseTextAsync());
        foreach (var c in new[] { a, b })
        {
            var got = new HashSet<string>();
            for (var i = 0; i < 50; i++) got.Add(Encoding.UTF8.GetString((await c.ReadMessageAsync()).Body));
            Assert.Equal(50, got.Count);
        }
    }
}
