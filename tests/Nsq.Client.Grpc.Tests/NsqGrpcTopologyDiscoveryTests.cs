using static Nsq.TestUtilities.Client.ClientTestHelpers;

namespace Nsq.Client.Grpc.Tests;

/// <summary>The discovery on its own: what it yields from one or several real lookups, and what it refuses.</summary>
public sealed class NsqGrpcTopologyDiscoveryTests
{
    [Fact]
    public async Task Yields_the_union_of_every_lookups_producers()
    {
        await using var lookupA = await GrpcLookup.StartAsync();
        await using var lookupB = await GrpcLookup.StartAsync();
        var topic = Topic();
        var discovery = new NsqGrpcTopologyDiscovery([$"127.0.0.1:{lookupA.GrpcEndPoint!.Port}", $"http://127.0.0.1:{lookupB.GrpcEndPoint!.Port}"]);
        using var cts = new CancellationTokenSource(TestTimeout);
        await using var lists = discovery.WatchAsync(topic, cts.Token).GetAsyncEnumerator(cts.Token);

        // The current state first: nothing registered yet.
        Assert.True(await lists.MoveNextAsync());
        Assert.Empty(lists.Current);

        await using var brokerA = await TestBroker.StartRegisteredWithAsync(lookupA);
        await using var brokerB = await TestBroker.StartRegisteredWithAsync(lookupB);
        await using (var onlyA = Producer(brokerA)) await onlyA.PublishAsync(topic, Bytes("a"));
        await using (var onlyB = Producer(brokerB)) await onlyB.PublishAsync(topic, Bytes("b"));
        string[] expected = [$"127.0.0.1:{brokerA.Tcp.Port}", $"127.0.0.1:{brokerB.Tcp.Port}"];
        Array.Sort(expected, StringComparer.Ordinal);
        string[] keys;
        do
        {
            Assert.True(await lists.MoveNextAsync());
            keys = [.. lists.Current.Select(e => e.Key).Order(StringComparer.Ordinal)];
        }
        while (keys.Length < 2);
        Assert.Equal(expected, keys);
    }

    [Theory]
    [InlineData("ftp://lookup:4163")]
    [InlineData(" ")]
    public void Rejects_an_address_that_is_not_host_port_or_an_http_url(string address)
        => Assert.Throws<ArgumentException>(() => new NsqGrpcTopologyDiscovery([address]));

    [Fact]
    public void Rejects_an_empty_address_list()
        => Assert.Throws<ArgumentException>(() => new NsqGrpcTopologyDiscovery([]));

    [Fact]
    public void WithGrpcTopology_sets_the_discovery_and_keeps_the_other_options()
    {
        var options = new NsqConsumerOptions { Topic = "t", Channel = "c", MaxInFlight = 7, LookupdHttpAddresses = ["127.0.0.1:4161"] }
            .WithGrpcTopology("127.0.0.1:4163", "lookup2:4163");
        var discovery = Assert.IsType<NsqGrpcTopologyDiscovery>(options.Discovery);
        Assert.Equal(["http://127.0.0.1:4163/", "http://lookup2:4163/"], discovery.Addresses.Select(a => a.ToString()));
        Assert.Equal((7, "127.0.0.1:4161"), (options.MaxInFlight, Assert.Single(options.LookupdHttpAddresses)));
    }

    [Fact]
    public void The_core_client_does_not_depend_on_grpc()
    {
        Assert.Contains(typeof(NsqGrpcTopologyDiscovery).Assembly.GetReferencedAssemblies(), r => r.Name == "Grpc.Net.Client");
        Assert.DoesNotContain(typeof(NsqConsumer).Assembly.GetReferencedAssemblies(),
            r => r.Name!.StartsWith("Grpc.", StringComparison.Ordinal) || r.Name.StartsWith("Google.Protobuf", StringComparison.Ordinal));
    }
}
