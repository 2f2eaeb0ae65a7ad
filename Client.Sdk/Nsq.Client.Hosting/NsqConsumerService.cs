using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Nsq.Client.Hosting;

/// <summary>
/// Runs one <see cref="NsqConsumer"/> for the host's lifetime; each message gets a DI scope and a
/// <typeparamref name="THandler"/>. Host shutdown stops the consumer gracefully (RDY 0, CLS, wait for in-flight answers).
/// </summary>
internal sealed partial class NsqConsumerService<TMessage, THandler>(
    NsqConsumerOptions options, IServiceScopeFactory scopes, ILogger<NsqConsumerService<TMessage, THandler>> logger)
    : BackgroundService
    where THandler : class, INsqHandler<TMessage>
{
    private readonly NsqConsumer _consumer = new(options);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await _consumer.RunAsync(HandleAsync, stoppingToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(ex, options.Topic, options.Channel);
            throw;
        }
    }

    private async ValueTask HandleAsync(NsqMessage message, CancellationToken cancellationToken)
    {
        var body = message.GetBody<TMessage>() ?? throw new InvalidDataException($"message {message.Id} has a null body");
        var scope = scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var handler = scope.ServiceProvider.GetRequiredService<THandler>();
            await handler.HandleAsync(new NsqMessage<TMessage>(message, body), cancellationToken).ConfigureAwait(false);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Cancels ExecuteAsync, which stops the consumer; then wait (up to the host's shutdown timeout) for the drain.
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await _consumer.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    public override void Dispose()
    {
        base.Dispose();
        _consumer.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "nsq consumer {Topic}/{Channel} failed")]
    private partial void LogFailed(Exception exception, string topic, string channel);
}
