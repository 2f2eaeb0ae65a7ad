using Nsq.Client;
using Nsq.Client.Hosting;

namespace Nsq.Samples.Worker;

/// <summary>Publishes an order every <c>Sample:PublishInterval</c> (default 1 s) while the app runs.</summary>
internal sealed partial class OrderPublisher(INsqPublisher publisher, OrderStats stats, IConfiguration configuration,
    ILogger<OrderPublisher> logger) : BackgroundService
{
    /// <summary>The topic the sample publishes to and consumes from.</summary>
    public const string Topic = "sample-orders";

    private static readonly string[] s_items = ["book", "lamp", "kettle", "chair"];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = configuration.GetValue("Sample:PublishInterval", TimeSpan.FromSeconds(1));
        using var timer = new PeriodicTimer(interval);
        var number = 0;
        do
        {
            var order = new Order(++number, s_items[number % s_items.Length]);
            try
            {
                await publisher.PublishAsync(Topic, order, stoppingToken).ConfigureAwait(false);
                stats.Published();
            }
            catch (NsqException ex)
            {
                // The broker may be restarting; the next tick tries again.
                LogPublishFailed(ex, order.Number);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "order {Number} not published")]
    private partial void LogPublishFailed(Exception exception, int number);
}
