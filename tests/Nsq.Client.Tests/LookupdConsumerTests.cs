using Lookup.Core;
using Nsq.Client.Internal;
using static Nsq.TestUtilities.Client.ClientTestHelpers;

namespace Nsq.Client.Tests;

public sealed class LookupdConsumerTests
{
    private static NsqConsumer LookupdConsumer(string topic, LookupServer lookup, TimeSpan pollInterval)
        => new(new NsqConsumerOptions
        {
            Topic = topic,
            Channel = "ch",
            LookupdHttpAddresses = [$"127.0.0.1:{lookup.HttpEndPoint.Port}"],
            LookupdPollInterval = pollInterval,
            MaxInFlight = 10,
            RequeueDelay = TimeSpan.Zero,
        });

    [Theory]
    [InlineData("127.0.0.1:4161", "t", "http://127.0.0.1:4161/lookup?topic=t")]
    [InlineData("http://lookupd:4161/", "t", "http://lookupd:4161/lookup?topic=t")]
    [InlineData("https://proxy/nsq/lookup?auth=x", "t", "https://proxy/nsq/lookup?auth=x&topic=t")]
    public void Lookup_url_is_built_as_go_nsq_does(string address, string topic, string expected)
        => Assert.Equal(expected, LookupdQuery.BuildUrl(address, topic).ToString());

    [Fact]
    public async Task Lookupd_only_consumer_finds_both_brokers_and_gets_every_message_once()
    {
        await using var lookup = await TestLookup.StartServerAsync();
        await using var b1 = await TestBroker.StartRegisteredWithAsync(lookup);
        await using var b2 = await TestBroker.StartRegisteredWithAsync(lookup);
        var topic = Topic();
        await PublishToBothAsync(topic, b1, b2, each: 50);
        await using var consumer = LookupdConsumer(topic, lookup, TimeSpan.FromMilliseconds(200));
        using var run = CountingRun.Start(consumer, TestTimeout, expected: 100);
        await run.AllArrived.WaitAsync(TestTimeout);
        Assert.Equal(2, consumer.ConnectionCount);
        Assert.Equal(5, consumer.ReadyPerConnection);
        await run.StopAsync();
        Assert.Equal(100, run.Seen.Count);
        run.AssertEachArrivedOnce();
    }

    [Fact]
    public async Task A_broker_that_gets_the_topic_later_is_picked_up_on_a_later_poll()
    {
        await using var lookup = await TestLookup.StartServerAsync();
        await using var b1 = await TestBroker.StartRegisteredWithAsync(lookup);
        await using var b2 = await TestBroker.StartRegisteredWithAsync(lookup);
        var topic = Topic();
        await using (var p1 = Producer(b1)) await p1.PublishAsync(topic, Bytes("first"));
        await using var consumer = LookupdConsumer(topic, lookup, TimeSpan.FromMilliseconds(200));
        using var run = CountingRun.Start(consumer, TestTimeout);
        await WaitUntilAsync(() => run.Has("first"), "the message on the first broker");
        Assert.Equal(1, consumer.ConnectionCount);
        Assert.Equal(10, consumer.ReadyPerConnection);

        // b2 only now gets the topic (and registers it with the lookup).
        await using (var p2 = Producer(b2))
        {
            for (var i = 0; i < 5; i++) await p2.PublishAsync(topic, Bytes($"late{i}"));
        }
        await WaitUntilAsync(() => Enumerable.Range(0, 5).All(i => run.Has($"late{i}")), "the messages on the late broker");
        Assert.Equal(2, consumer.ConnectionCount);
        Assert.Equal(5, consumer.ReadyPerConnection);
        await run.StopAsync();
        Assert.Equal(6, run.Seen.Count);
        run.AssertEachArrivedOnce();
    }

    [Fact]
    public async Task A_lost_broker_is_dropped_and_rdy_goes_back_to_the_remaining_connection()
    {
        await using var lookup = await TestLookup.StartServerAsync();
        await using var b1 = await TestBroker.StartRegisteredWithAsync(lookup);
        var b2 = await TestBroker.StartRegisteredWithAsync(lookup);
        var topic = Topic();
        await using (var p1 = Producer(b1)) await p1.PublishAsync(topic, Bytes("one"));
        await using (var p2 = Producer(b2)) await p2.PublishAsync(topic, Bytes("two"));
        await using var consumer = LookupdConsumer(topic, lookup, TimeSpan.FromMilliseconds(200));
        using var run = CountingRun.Start(consumer, TestTimeout);
        await WaitUntilAsync(() => run.Seen.Count == 2, "both messages");
        Assert.Equal(5, consumer.ReadyPerConnection);

        await b2.DisposeAsync();
        // The connection is dropped first, then RDY is re-sent to the remaining one: wait for both.
        await WaitUntilAsync(() => consumer.ConnectionCount == 1 && consumer.ReadyPerConnection == 10,
            "the lost broker to be dropped and RDY 10 on the remaining connection");
        await using (var p1 = Producer(b1)) await p1.PublishAsync(topic, Bytes("three"));
        await WaitUntilAsync(() => run.Has("three"), "a message after the loss");
        await run.StopAsync();
    }
}
