using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace AppHost.Tests;

/// <summary>The "nsq" cluster resource: the connection string apps get lists every broker's TCP and every lookup's HTTP endpoint.</summary>
public sealed partial class AppHostTests
{
    [Fact]
    public async Task Cluster_connection_string_lists_every_broker_and_lookup_endpoint()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var connectionString = await App.GetConnectionStringAsync("nsq", cts.Token);
        Assert.NotNull(connectionString);

        var parts = connectionString.Split(';').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1].Split(','));
        Assert.Equal(["nsqd", "lookupd"], parts.Keys);
        Assert.Equal(ClusterFixture.Brokers.Select(b => $"127.0.0.1:{App.GetEndpoint(b, "tcp").Port}"), parts["nsqd"]);
        Assert.Equal(ClusterFixture.Lookups.Select(l => $"http://127.0.0.1:{App.GetEndpoint(l, "http").Port}"), parts["lookupd"]);

        // Each listed address answers: brokers speak TCP, lookups answer /ping.
        foreach (var lookup in parts["lookupd"])
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            Assert.Equal("OK", await http.GetStringAsync(new Uri(new Uri(lookup), "/ping"), cts.Token));
        }
        foreach (var nsqd in parts["nsqd"])
        {
            using var tcp = new System.Net.Sockets.TcpClient();
            var colon = nsqd.LastIndexOf(':');
            await tcp.ConnectAsync(nsqd[..colon], int.Parse(nsqd[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture), cts.Token);
        }

        var model = App.Services.GetRequiredService<DistributedApplicationModel>();
        var cluster = Assert.Single(model.Resources.OfType<NsqClusterResource>());
        Assert.Equal(ClusterFixture.Brokers, cluster.Nsqds.Select(n => n.Name));
        Assert.Equal(ClusterFixture.Lookups, cluster.Lookupds.Select(n => n.Name));
    }
}

/// <summary>The cluster resource follows the AppHost's size parameters (model only, nothing started).</summary>
public sealed class ClusterResourceModelTests
{
    [Fact]
    public async Task Cluster_lists_every_broker_and_lookup_the_parameters_ask_for()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.NsqAspire_AppHost>(
            ["--Nsq:Brokers=4", "--Nsq:Lookups=1", "--Nsq:Store=memory", $"--Nsq:DataRoot={Path.GetTempPath()}nsqaspire-model"]);
        var cluster = Assert.Single(builder.Resources.OfType<NsqClusterResource>());
        Assert.Equal("nsq", cluster.Name);
        Assert.Equal(["nsqd0", "nsqd1", "nsqd2", "nsqd3"], cluster.Nsqds.Select(n => n.Name));
        Assert.Equal(["nsqlookupd0"], cluster.Lookupds.Select(n => n.Name));
        // Before endpoints are allocated the expression is a template over them, one per node.
        var template = cluster.ConnectionStringExpression.ValueExpression;
        Assert.StartsWith("nsqd=127.0.0.1:{nsqd0.bindings.tcp.port},", template, StringComparison.Ordinal);
        Assert.EndsWith(";lookupd=http://127.0.0.1:{nsqlookupd0.bindings.http.port}", template, StringComparison.Ordinal);
    }
}
