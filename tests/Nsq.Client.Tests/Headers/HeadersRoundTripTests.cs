using static Nsq.TestUtilities.Client.ClientTestHelpers;
using static Nsq.Client.Tests.Headers.HeaderTestKit;

namespace Nsq.Client.Tests.Headers;

/// <summary>Headers published with PUB, MPUB and DPUB (raw and typed) reach consumers as sent, over real sockets to our broker.</summary>
public sealed class HeadersRoundTripTests
{
    [Fact]
    public async Task Pub_raw_headers_arrive_in_order_with_duplicates_and_any_case_lookup()
    {
        await using var broker = await TestBroker.StartAsync();
        var topic = Topic();
        await using (var producer = ProducerOn(broker.Tcp))
        {
            await producer.PublishAsync(topic, Bytes("raw-rom"), Sample());
            await producer.PublishAsync(topic, "raw-array"u8.ToArray(), Sample());
        }
        var received = await ReceiveAsync(broker.Tcp, topic, 2);
        Assert.Equal(["raw-rom", "raw-array"], received.Select(Text));
        Assert.All(received, m => AssertSample(m.Headers));
    }

    [Fact]
    public async Task Pub_typed_headers_arrive_with_the_typed_message()
    {
        await using var broker = await TestBroker.StartAsync();
        var topic = Topic();
        await using (var producer = ProducerOn(broker.Tcp))
        {
            await producer.PublishAsync(topic, new Order(1, "book"), Sample());
            await producer.PublishAsync(topic, new Order(2, "pen"), HeaderTestJson.Default.Order, Sample());
        }
        var received = await ReceiveOrdersAsync(broker.Tcp, topic, 2);
        Assert.Equal([new Order(1, "book"), new Order(2, "pen")], received.Select(m => m.Body));
        Assert.All(received, m => AssertSample(m.Headers));
    }

    [Fact]
    public async Task Mpub_raw_and_typed_put_the_headers_on_every_message()
    {
        await using var broker = await TestBroker.StartAsync();
        var topic = Topic();
        await using (var producer = ProducerOn(broker.Tcp))
        {
            await producer.MultiPublishAsync(topic, [Bytes("{\"Id\":1,\"Item\":\"a\"}"), Bytes("{\"Id\":2,\"Item\":\"b\"}")], Sample());
            await producer.MultiPublishAsync(topic, [new Order(3, "c"), new Order(4, "d"), new Order(5, "e")], Sample());
            await producer.MultiPublishAsync(topic, new List<Order> { new(6, "f") });
        }
        var received = await ReceiveOrdersAsync(broker.Tcp, topic, 6);
        Assert.Equal(Enumerable.Range(1, 6), received.Select(m => m.Body.Id).Order());
        Assert.All(received.Where(m => m.Body.Id <= 5), m => AssertSample(m.Headers));
        Assert.Same(NsqHeaders.Empty, Assert.Single(received, m => m.Body.Id == 6).Headers);
    }

    [Fact]
    public async Task Dpub_raw_and_typed_carry_headers()
    {
        await using var broker = await TestBroker.StartAsync();
        var topic = Topic();
        await using (var producer = ProducerOn(broker.Tcp))
        {
            await producer.DeferredPublishAsync(topic, Bytes("{\"Id\":1,\"Item\":\"deferred-raw\"}"), TimeSpan.FromMilliseconds(50), Sample());
            await producer.DeferredPublishAsync(topic, "{\"Id\":2,\"Item\":\"deferred-array\"}"u8.ToArray(), TimeSpan.Zero, Sample());
            await producer.DeferredPublishAsync(topic, new Order(3, "deferred-typed"), TimeSpan.FromMilliseconds(50), Sample());
        }
        var received = await ReceiveOrdersAsync(broker.Tcp, topic, 3);
        Assert.Equal([1, 2, 3], received.Select(m => m.Body.Id).Order());
        Assert.All(received, m => AssertSample(m.Headers));
    }

    [Fact]
    public async Task A_message_published_without_headers_has_empty_headers_and_its_exact_body()
    {
        await using var broker = await TestBroker.StartAsync();
        var topic = Topic();
        // A body that starts like a header block: framing must never be guessed from the bytes.
        byte[] tricky = [0, 0, 0, 5, 1, 2, 3];
        await using (var producer = ProducerOn(broker.Tcp))
        {
            await producer.PublishAsync(topic, tricky);
            await producer.PublishAsync(topic, tricky, new NsqHeaders());
            await producer.PublishAsync(topic, tricky, new NsqHeaders { { "k", "v" } });
        }
        var received = await ReceiveAsync(broker.Tcp, topic, 3);
        Assert.All(received, m => Assert.Equal(tricky, m.Body.ToArray()));
        Assert.Same(NsqHeaders.Empty, received[0].Headers);
        Assert.Same(NsqHeaders.Empty, received[1].Headers);
        Assert.Equal("v", received[2].Headers["K"]);
    }

    [Fact]
    public async Task Headers_too_big_for_a_block_are_refused_before_anything_is_sent()
    {
        await using var broker = await TestBroker.StartAsync();
        var topic = Topic();
        await using var producer = ProducerOn(broker.Tcp);
        var huge = new NsqHeaders { { "big", new string('x', 70_000) } };
        await Assert.ThrowsAsync<ArgumentException>(async () => await producer.PublishAsync(topic, Bytes("x"), huge));
        // The connection is untouched: the next publish goes through on it.
        await producer.PublishAsync(topic, Bytes("after"), new NsqHeaders { { "ok", "1" } });
        var m = Assert.Single(await ReceiveAsync(broker.Tcp, topic, 1));
        Assert.Equal("after", Text(m));
    }

    [Fact]
    public async Task Over_the_brokers_limit_fails_with_E_BAD_HEADERS()
    {
        await using var broker = await TestBroker.StartAsync(o => o.MaxMsgHeaders = 2);
        await using var producer = ProducerOn(broker.Tcp);
        var ex = await Assert.ThrowsAsync<NsqException>(async () => await producer.PublishAsync(Topic(), Bytes("x"), new NsqHeaders { { "a", "1" }, { "b", "2" }, { "c", "3" } }));
        Assert.Equal("E_BAD_HEADERS", ex.Code);
    }
}
