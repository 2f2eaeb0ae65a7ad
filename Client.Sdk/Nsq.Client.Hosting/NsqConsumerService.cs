using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Nsq.Client.Hosting;

/// <summary>
/// Runs one <see cref="NsqConsumer"/> for the host's lifetime; each message gets a DI scope, a
/// <typeparamref name="THandler"/>; the consumer gives each a <c>process {topic}</c> span and the consumer metrics
/// (<see cref="NsqTelemetry"/>). When no nsqd answers at start
/// it retries (the app may start before the broker) instead of stopping the host. Host shutdown stops the consumer
/// gracefully: RDY 0 and CLS, then the handlers already running finish (FIN) within the host's shutdown timeout; the
/// ones still running when it runs out see their token cancelled and are requeued, and nsqd redelivers whatever was
/// never answered. Nothing is lost.
/// </summary>
internal sealed partial class NsqConsumerService<TMessage, THandler>(
    NsqConsumerOptions options, IServiceScopeFactory scopes, ILogger<NsqConsumerService<TMessage, THandler>> logger)
    : BackgroundService, IAsyncDisposable
    where THandler : class, INsqHandler<TMessage>
{
    private static readonly TimeSpan s_maxStartRetryDelay = TimeSpan.FromSeconds(15);
    private readonly CancellationTokenSource _handlerAbort = new();
    private NsqConsumer? _consumer;

    /// <summary>The options the consumer runs with.</summary>
    public NsqConsumerOptions Options => options;

    /// <summary>The running consumer (null before the first start attempt).</summary>
    public NsqConsumer? Consumer => Volatile.Read(ref _consumer);

    /// <summary>True once a start attempt reached at least one nsqd (or, with lookupd, the first lookup ran).</summary>
    public bool Started { get; private set; }

    /// <summary>Why the last start attempt failed, while no attempt succeeded.</summary>
    public Exception? StartError { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = options.ReconnectDelay > TimeSpan.Zero ? options.ReconnectDelay : TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            var consumer = new NsqConsumer(options);
            var previous = Interlocked.Exchange(ref _consumer, consumer);
            if (previous is not null) await previous.DisposeAsync().ConfigureAwait(false);
            try
            {
                await consumer.StartAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (NsqException ex)
            {
                StartError = ex;
                LogStartFailed(ex, options.Topic, options.Channel, delay);
                try
                {
                    await Task.Delay(delay, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, s_maxStartRetryDelay.Ticks));
                continue;
            }
            StartError = null;
            Started = true;
            // Returns once the consumer stopped gracefully (stoppingToken triggers the stop).
            await consumer.RunAsync(HandleAsync, stoppingToken).ConfigureAwait(false);
            return;
        }
    }

    // The consumer wraps this in its process span and records the consumer metrics (NsqTelemetry).
    private async ValueTask HandleAsync(NsqMessage message, CancellationToken cancellationToken)
    {
        var body = message.GetBody<TMessage>() ?? throw new InvalidDataException($"message {message.Id} has a null body");
        var scope = scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var handler = scope.ServiceProvider.GetRequiredService<THandler>();
            await handler.HandleAsync(new NsqMessage<TMessage>(message, body), _handlerAbort.Token).ConfigureAwait(false);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // The host's shutdown timeout is the handlers' deadline: until then they finish; after it they are cancelled.
        using var abort = cancellationToken.Register(static s => ((CancellationTokenSource)s!).Cancel(), _handlerAbort);
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        base.Dispose();
        if (Interlocked.Exchange(ref _consumer, null) is { } consumer) await consumer.DisposeAsync().ConfigureAwait(false);
        _handlerAbort.Dispose();
    }

    public override void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    [LoggerMessage(Level = LogLevel.Warning, Message = "nsq consumer {Topic}/{Channel} cannot start; retrying in {Delay}")]
    private partial void LogStartFailed(Exception exception, string topic, string channel, TimeSpan delay);
}
