using Admin.Core;
using Admin.Core.Notifications;
using Microsoft.Extensions.Logging.Abstractions;

namespace Admin.Web.Tests.Core;

public sealed class NotificationQueueTests
{
    private static AdminNotification Note(string topic) => new() { Action = "empty_topic", Topic = topic };

    [Fact]
    public void A_full_queue_drops_the_oldest_and_counts_it()
    {
        var options = new AdminOptions { NotificationHttpEndpoint = "http://127.0.0.1:9/notify", NotificationQueueCapacity = 2 };
        options.LookupdHttpAddresses.Add("127.0.0.1:4161");
        using var http = new HttpClient();
        using var publisher = new NotificationPublisher(http, options, NullLogger<NotificationPublisher>.Instance);

        // Not started: nothing drains the queue.
        publisher.Enqueue(Note("a"));
        publisher.Enqueue(Note("b"));
        publisher.Enqueue(Note("c"));
        publisher.Enqueue(Note("d"));

        Assert.Equal(2, publisher.Dropped);
    }

    [Fact]
    public void Without_an_endpoint_nothing_is_queued()
    {
        var options = new AdminOptions { NotificationQueueCapacity = 1 };
        using var http = new HttpClient();
        using var publisher = new NotificationPublisher(http, options, NullLogger<NotificationPublisher>.Instance);
        publisher.Enqueue(Note("a"));
        publisher.Enqueue(Note("b"));
        Assert.False(publisher.Enabled);
        Assert.Equal(0, publisher.Dropped);
    }
}
