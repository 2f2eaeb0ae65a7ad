using Admin.Core.Cluster;
using Nsq.Protocol.Http;

namespace Admin.Web.Tests.Core;

/// <summary>Which damage the topic and channel pages warn about, from the /stats answers of several nodes.</summary>
public sealed class QueueDamageTests
{
    [Fact]
    public void Each_damaged_queue_is_named_with_its_node_and_totals_add_up()
    {
        var stats = new[]
        {
            Node("a:4151", new TopicStats
            {
                TopicName = "t", BackendCorruptRecords = 2, BackendBadSegments = 1,
                Channels = [new ChannelStats { ChannelName = "c" }],
            }),
            Node("b:4151", new TopicStats
            {
                TopicName = "t",
                Channels = [new ChannelStats { ChannelName = "c", BackendCorruptRecords = 7, BackendBadSegments = 2 }, new ChannelStats { ChannelName = "d" }],
            }),
        };

        var topic = StatsAggregator.Topic("t", stats);

        Assert.Equal([new QueueDamage("a:4151", null, 2, 1), new QueueDamage("b:4151", "c", 7, 2)], QueueDamage.Of(topic));
        Assert.Equal([new QueueDamage("b:4151", "c", 7, 2)], QueueDamage.Of(topic.Channels.Single(c => c.Channel == "c")));
        Assert.Empty(QueueDamage.Of(topic.Channels.Single(c => c.Channel == "d")));
        Assert.Equal((7, 2), (topic.Channels[0].Total.CorruptRecords, topic.Channels[0].Total.BadSegments));
    }

    [Fact]
    public void Stats_without_the_keys_as_a_real_nsqd_sends_them_report_no_damage()
    {
        var topic = StatsAggregator.Topic("t", [Node("a:4151", new TopicStats { TopicName = "t", Channels = [new ChannelStats { ChannelName = "c" }] })]);
        Assert.Empty(QueueDamage.Of(topic));
        Assert.False(topic.Total.Damaged);
    }

    private static NodeStats Node(string node, TopicStats topic) => new(node, new StatsResponse { Topics = [topic] });
}
