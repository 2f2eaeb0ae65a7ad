using static Nsq.TestUtilities.Client.ClientTestHelpers;
using System.Net;
using static Nsq.Client.Tests.Headers.HeaderTestKit;

namespace Nsq.Client.Tests.Headers;

/// <summary>
/// A broker that does not negotiate headers (ours with <c>--message-headers=false</c>, the original nsqd 1.3) gets bare
/// bodies: messages published with headers go out without them, no error, and consumers see empty headers.
/// </summary>
public sealed class HeadersFallbackTests
{
    [Fact]
    public async Task Our_broker_with_headers_off_gets_bare_bodies()
    {
        await using var broker = await TestBroker.StartAsync(o => o.MessageHeaders = false);
        await AssertBareBodiesAsync(broker.Tcp);
    }

    [RealNsqdFact]
    public async Task The_original_nsqd_gets_bare_bodies()
    {
        await using var nsqd = await RealNsqd.StartAsync();
        await AssertBareBodiesAsync(nsqd.Tcp);
    }

    private static async Task AssertBareBodiesAsync(IPEndPoint tcp)
    {
        var topic = Topic();
        await using (var producer = ProducerOn(tcp))
        {
            await producer.PublishAsync(topic, Bytes("pub"), Sample());
            await producer.PublishAsync(topic, new Order(1, "typed"), Sample());
            await producer.MultiPublishAsync(topic, [Bytes("mpub-1"), Bytes("mpub-2")], Sample());
            await producer.DeferredPublishAsync(topic, Bytes("dpub"), TimeSpan.Zero, Sample());
        }
        var received = await ReceiveAsync(tcp, topic, 5);
        Assert.Equal(["dpub", "mpub-1", "mpub-2", "pub", "{\"id\":1,\"item\":\"typed\"}"], received.Select(Text).Order());
        Assert.All(received, m => Assert.Same(NsqHeaders.Empty, m.Headers));
    }
}
