using System.Net;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Lookup.Core.Grpc;
using Lookup.Core.Grpc.V1;
using Lookup.Core.Registry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Lookup.Core.Tests.Grpc;

/// <summary>
/// A minimal WebApplication serving only the topology stream over h2c on 127.0.0.1:0, wired exactly as the lookup
/// server is meant to wire it (AddTopologyStream + MapTopologyStream), plus a client channel to it.
/// </summary>
internal sealed class TopologyTestHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TopologyTestHost(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
        Channel = GrpcChannel.ForAddress(address);
        Client = new TopologyTestClient(Channel.CreateCallInvoker());
    }

    public Uri Address { get; }
    public GrpcChannel Channel { get; }
    public TopologyTestClient Client { get; }

    public static async Task<TopologyTestHost> StartAsync(IRegistrationStore store, TopologyOptions? options = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http2));
        builder.Services.AddSingleton(store);
        builder.Services.AddTopologyStream(options ?? new TopologyOptions());
        var app = builder.Build();
        app.MapTopologyStream();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>()
            .Addresses.Single();
        return new TopologyTestHost(app, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>
/// Client for nsqaspire.lookup.v1.Topology built from the method names of the proto and the message types Lookup.Core
/// generates (the test project cannot also generate the same messages without clashing type names).
/// </summary>
internal sealed class TopologyTestClient(CallInvoker invoker)
{
    private const string ServiceName = "nsqaspire.lookup.v1.Topology";

    private static readonly Method<WatchTopicRequest, TopicSnapshot> WatchTopicMethod = new(
        MethodType.ServerStreaming, ServiceName, "WatchTopic", Marshal(WatchTopicRequest.Parser), Marshal(TopicSnapshot.Parser));

    private static readonly Method<ListTopicsRequest, ListTopicsResponse> ListTopicsMethod = new(
        MethodType.Unary, ServiceName, "ListTopics", Marshal(ListTopicsRequest.Parser), Marshal(ListTopicsResponse.Parser));

    public AsyncServerStreamingCall<TopicSnapshot> WatchTopic(string topic, CancellationToken ct = default)
        => invoker.AsyncServerStreamingCall(WatchTopicMethod, null, new CallOptions(cancellationToken: ct),
            new WatchTopicRequest { Topic = topic });

    public async Task<ListTopicsResponse> ListTopicsAsync()
        => await invoker.AsyncUnaryCall(ListTopicsMethod, null, default, new ListTopicsRequest());

    private static Marshaller<T> Marshal<T>(MessageParser<T> parser) where T : IMessage<T>
        => Marshallers.Create(m => m.ToByteArray(), parser.ParseFrom);
}
