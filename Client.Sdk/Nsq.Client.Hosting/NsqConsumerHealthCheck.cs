using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Nsq.Client.Hosting;

/// <summary>
/// Healthy while the hosted consumer has at least one open nsqd connection. With lookupd discovery and no nsqd listing
/// the topic yet, Degraded (nothing to consume is not a failure); otherwise the registration's failure status, with the
/// start error when there is one.
/// </summary>
internal sealed class NsqConsumerHealthCheck<TMessage, THandler>(NsqConsumerService<TMessage, THandler> service) : IHealthCheck
    where THandler : class, INsqHandler<TMessage>
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var options = service.Options;
        var what = $"{options.Topic}/{options.Channel}";
        var connections = service.Consumer?.ConnectionCount ?? 0;
        if (connections > 0) return Task.FromResult(HealthCheckResult.Healthy($"{what}: connected to {connections} nsqd"));
        if (service.Started && options.LookupdHttpAddresses.Count > 0)
            return Task.FromResult(HealthCheckResult.Degraded($"{what}: no nsqd listed by lookupd yet"));
        var why = service.StartError is null ? $"{what}: not connected to any nsqd" : $"{what}: cannot reach nsqd";
        return Task.FromResult(new HealthCheckResult(context.Registration.FailureStatus, why, service.StartError));
    }
}
