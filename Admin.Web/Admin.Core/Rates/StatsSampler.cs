using Admin.Core.Cluster;
using Admin.Core.Proxy;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Admin.Core.Rates;

/// <summary>
/// Polls the cluster every <see cref="AdminOptions.RateInterval"/>: the node list (which also refreshes the proxy's nsqd
/// destinations) and every node's <c>/stats</c> without clients, recorded into <see cref="RateStore"/>. This replaces
/// nsqadmin's graphite dependency for rates and charts. A poll that fails is logged and skipped.
/// </summary>
public sealed class StatsSampler(ClusterClient cluster, RateStore rates, ProxyConfigUpdater proxy, AdminOptions options,
    TimeProvider time, ILogger<StatsSampler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.RateInterval, time);
        do
        {
            try
            {
                await SampleAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "stats sample failed");
            }
        }
        while (await WaitAsync(timer, stoppingToken).ConfigureAwait(false));
    }

    /// <summary>One poll of the cluster.</summary>
    public async Task SampleAsync(CancellationToken ct)
    {
        // Every rate interval, forever: kept out of traces like the probes are.
        using var polling = PollingScope.Enter();
        var nodes = await cluster.GetNodesAsync(ct).ConfigureAwait(false);
        if (nodes.AllFailed) return;
        var keys = nodes.Value.Select(n => n.Key).ToList();
        proxy.Update(keys);
        var stats = await cluster.GetStatsAsync(keys, null, null, false, ct).ConfigureAwait(false);
        rates.Record(time.GetUtcNow().ToUnixTimeMilliseconds(), stats.Value);
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try
        {
            return await timer.WaitForNextTickAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
