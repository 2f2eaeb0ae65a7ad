using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Nsq.Client.Hosting;

/// <summary>
/// Healthy when the producer holds a live connection to an nsqd, or can open one (TCP connect, magic, IDENTIFY round
/// trip). A broker that went away closes the connection, so the next check redials and reports it. A check waits at most
/// twice the dial timeout (2 s by default): a publish rides out a broker restart for its whole PublishTimeout, but a
/// health probe (Aspire's, Kubernetes') wants a prompt answer, not ten seconds of reconnect backoff.
/// </summary>
internal sealed class NsqProducerHealthCheck(NsqProducer producer) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(producer.Options.DialTimeout * 2);
        try
        {
            await producer.ConnectAsync(bounded.Token).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"connected to nsqd ({string.Join(", ", producer.Options.NsqdTcpAddresses)})");
        }
        catch (Exception ex) when (ex is NsqException or IOException or System.Net.Sockets.SocketException or ArgumentException
                                       || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return new HealthCheckResult(context.Registration.FailureStatus,
                $"cannot connect to nsqd ({string.Join(", ", producer.Options.NsqdTcpAddresses)})", ex);
        }
    }
}
