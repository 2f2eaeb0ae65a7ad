using System.Net.Http.Json;
using Aspire.Hosting;
using Aspire.Hosting.Testing;

namespace AppHost.Tests;

/// <summary>The sample app on the SDK: it gets the cluster's connection string, publishes orders and handles them.</summary>
public sealed partial class AppHostTests
{
    [Fact]
    public async Task Sample_worker_publishes_and_handles_orders_through_the_cluster()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await App.ResourceNotifications.WaitForResourceHealthyAsync("sample-worker", cts.Token);
        using var http = App.CreateHttpClient("sample-worker", "http");
        SampleStats? stats = null;
        while (stats is not { Handled: >= 1 })
        {
            cts.Token.ThrowIfCancellationRequested();
            stats = await http.GetFromJsonAsync<SampleStats>(new Uri("/stats", UriKind.Relative), cts.Token);
            if (stats is not { Handled: >= 1 }) await Task.Delay(200, cts.Token);
        }
        Assert.True(stats.Published >= stats.Handled, $"handled {stats.Handled} of {stats.Published} published");
    }

    private sealed record SampleStats(long Published, long Handled);
}
