using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Nsq.Client.Hosting;

/// <summary>
/// Healthy when the producer holds a live connection to an nsqd, or can open one (TCP connect, magic, IDENTIFY round
/// trip). A broker that went away closes the connection, so the next check redials and reports it.
/// </summary>
internal sealed class NsqProducerHealthCheck(NsqProducer producer) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await producer.ConnectAsync(cancellationToken).ConfigureAwait(false);
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
