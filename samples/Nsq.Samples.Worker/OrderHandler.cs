using Nsq.Client;

namespace Nsq.Samples.Worker;

/// <summary>Handles one order (resolved per message in its own DI scope); returning finishes it.</summary>
internal sealed partial class OrderHandler(OrderStats stats, ILogger<OrderHandler> logger) : INsqHandler<Order>
{
    public Task HandleAsync(NsqMessage<Order> message, CancellationToken cancellationToken)
    {
        LogHandled(message.Body.Number, message.Body.Item, message.Attempts);
        stats.Handled();
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "order {Number} ({Item}) handled, attempt {Attempts}")]
    private partial void LogHandled(int number, string item, int attempts);
}
