using Grpc.Core;
using Grpc.Net.Client;
using Lookup.Core.Grpc.V1;
using Microsoft.Extensions.Logging;

namespace Nsq.Client.Grpc;

/// <summary>
/// One lookup's <c>WatchTopic</c> stream, kept open: each snapshot (the complete producer list) is handed on; a stream
/// that fails, or ends, is re-opened after a backoff that resets once a snapshot arrived.
/// </summary>
internal sealed class TopologyStream(Uri address, string topic, NsqGrpcTopologyDiscovery owner, ILogger logger)
{
    public async Task RunAsync(Action<IReadOnlyList<NsqdEndpoint>> onList, CancellationToken cancellationToken)
    {
        await Task.Yield();
        using var channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            // HTTP/2 pings notice a lookup that vanished without closing the connection (the stream is otherwise silent
            // while the topology does not change).
            HttpHandler = new SocketsHttpHandler
            {
                KeepAlivePingDelay = TimeSpan.FromSeconds(20),
                KeepAlivePingTimeout = TimeSpan.FromSeconds(10),
                KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
                EnableMultipleHttp2Connections = true,
            },
            DisposeHttpClient = true,
        });
        var client = new Topology.TopologyClient(channel);
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                using var call = client.WatchTopic(new WatchTopicRequest { Topic = topic }, cancellationToken: cancellationToken);
                await foreach (var snapshot in call.ResponseStream.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                {
                    failures = 0;
                    onList(ToEndpoints(snapshot));
                }
                logger.LogWarning("lookup {Address}: topology stream for {Topic} ended", address, topic);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (RpcException ex)
            {
                logger.LogWarning(ex, "lookup {Address}: topology stream for {Topic} failed ({Status})", address, topic, ex.StatusCode);
            }
#pragma warning disable CA1031 // Whatever broke this stream, the other lookups' streams and the retry must go on.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                logger.LogWarning(ex, "lookup {Address}: topology stream for {Topic} failed", address, topic);
            }
            failures++;
            try
            {
                await Task.Delay(owner.Backoff(failures), cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static NsqdEndpoint[] ToEndpoints(TopicSnapshot snapshot)
    {
        var endpoints = new List<NsqdEndpoint>(snapshot.Producers.Count);
        foreach (var p in snapshot.Producers)
        {
            if (!string.IsNullOrEmpty(p.BroadcastAddress) && p.TcpPort > 0)
                endpoints.Add(new NsqdEndpoint(p.BroadcastAddress, p.TcpPort));
        }
        return [.. endpoints];
    }
}
