using System.Buffers.Binary;
using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Grpc.Net.Client;
using Lookup.Core.Grpc;
using Lookup.Core.Grpc.V1;
using Nsq.Protocol.Lookup;

namespace Lookup.Core.Tests.Grpc;

/// <summary>
/// The topology stream wired into the real <see cref="LookupServer"/> through its builder/app hooks (the two lines the
/// server itself is meant to use), fed by an nsqd speaking lookup protocol V1 over TCP, compared with HTTP /lookup.
/// </summary>
public sealed class LookupServerTopologyTests
{
    [Fact]
    public async Task TcpRegistration_IsStreamed_AndMatchesHttpLookup()
    {
        var options = TestLookup.NewOptions("lookup-test");
        options.GrpcAddress = "127.0.0.1:0";
        // LookupServer wires the stream itself whenever a gRPC address is configured.
        await using var server = LookupServer.Create(options);
        await server.StartAsync();

        using var channel = GrpcChannel.ForAddress($"http://{server.GrpcEndPoint}");
        var client = new TopologyTestClient(channel.CreateCallInvoker());
        using var reader = new SnapshotReader(client.WatchTopic("orders"));
        Assert.False((await reader.NextAsync()).Exists);

        using var nsqd = new TcpClient(AddressFamily.InterNetwork);
        await nsqd.ConnectAsync(server.TcpEndPoint);
        var stream = nsqd.GetStream();
        await stream.WriteAsync("  V1"u8.ToArray());
        var identify = JsonSerializer.SerializeToUtf8Bytes(new LookupIdentifyRequest
        {
            Version = "1.3.0",
            TcpPort = 24150,
            HttpPort = 24151,
            Hostname = "vm",
            BroadcastAddress = "10.1.2.3",
        }, LookupJsonContext.Default.LookupIdentifyRequest);
        var size = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(size, identify.Length);
        await stream.WriteAsync((byte[])[.. "IDENTIFY\n"u8, .. size, .. identify]);
        Assert.Contains("lookup-test", await ReadResponseAsync(stream), StringComparison.Ordinal);

        await stream.WriteAsync("REGISTER orders billing\n"u8.ToArray());
        Assert.Equal("OK", await ReadResponseAsync(stream));
        // The registration is complete once lookupd answered OK: the stream must carry it within a second of that.
        var stopwatch = Stopwatch.StartNew();
        TopicSnapshot registered;
        do registered = await reader.NextAsync();
        while (registered.Producers.Count == 0 || registered.Channels.Count == 0);
        stopwatch.Stop();

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(1), $"took {stopwatch.Elapsed.TotalMilliseconds} ms");
        var producer = Assert.Single(registered.Producers);
        Assert.Equal(("10.1.2.3", 24150, 24151, "vm", "1.3.0"),
            (producer.BroadcastAddress, producer.TcpPort, producer.HttpPort, producer.Hostname, producer.Version));
        Assert.Equal(nsqd.Client.LocalEndPoint!.ToString(), producer.RemoteAddress);
        Assert.Equal(["billing"], registered.Channels);

        using var http = new HttpClient { BaseAddress = new Uri($"http://{server.HttpEndPoint}") };
        var lookup = JsonSerializer.Deserialize(await http.GetStringAsync(new Uri("/lookup?topic=orders", UriKind.Relative)),
            LookupJsonContext.Default.LookupResponse)!;
        Assert.Equal(lookup.Channels, registered.Channels);
        Assert.Equal(lookup.Producers.Select(p => (p.BroadcastAddress, p.TcpPort, p.RemoteAddress)),
            registered.Producers.Select(p => (p.BroadcastAddress, p.TcpPort, p.RemoteAddress)));

        // Tombstoned through HTTP: hidden from /lookup and from the stream alike.
        using var tombstone = await http.PostAsync(new Uri("/topic/tombstone?topic=orders&node=10.1.2.3:24151", UriKind.Relative), null);
        tombstone.EnsureSuccessStatusCode();
        Assert.Empty((await reader.NextAsync(TimeSpan.FromSeconds(1))).Producers);

        // The nsqd goes away: its connection closes and it leaves every registration.
        nsqd.Close();
        var changes = await reader.TryNextAsync(TimeSpan.FromMilliseconds(300));
        Assert.True(changes is null || changes.Producers.Count == 0);
    }

    private static async Task<string> ReadResponseAsync(NetworkStream stream)
    {
        var size = new byte[4];
        await stream.ReadExactlyAsync(size);
        var body = new byte[BinaryPrimitives.ReadInt32BigEndian(size)];
        await stream.ReadExactlyAsync(body);
        return Encoding.UTF8.GetString(body);
    }
}
