using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Nsq.Client.Hosting;

/// <summary>Healthy when the producer can connect (or is connected) to an nsqd.</summary>
internal sealed class NsqProducerHealthCheck(NsqProducer producer) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await producer.ConnectAsync(cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy();
        }
#pragma warning disable CA1031 // Any failure to connect means unhealthy.
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "cannot connect to nsqd", ex);
        }
    }
}
