using System.Threading.Channels;
using Grpc.Core;
using Lookup.Core.Grpc.V1;
using Lookup.Core.Registry;
using Nsq.Protocol;

namespace Lookup.Core.Grpc;

/// <summary>
/// The <c>nsqaspire.lookup.v1.Topology</c> gRPC service: pushes a topic's <c>/lookup</c> view (same filter, see
/// <see cref="TopicView"/>) whenever it changes, instead of clients polling every minute (spec §6.5).
/// Each stream listens to <see cref="IRegistrationStore.Changed"/> (raised for changes by any replica), coalesces
/// events within <see cref="TopologyOptions.Debounce"/>, and sends a snapshot only when the state differs from the last
/// one sent. It also re-reads at the next instant the liveness filter's verdict can change by itself (a producer
/// going inactive, a tombstone expiring) and every <see cref="TopologyOptions.ResyncInterval"/>.
/// </summary>
public sealed class TopologyService(IRegistrationStore store, TopologyOptions options) : Topology.TopologyBase
{
    public override async Task WatchTopic(
        WatchTopicRequest request, IServerStreamWriter<TopicSnapshot> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(responseStream);
        ArgumentNullException.ThrowIfNull(context);
        var topic = request.Topic;
        if (!Names.IsValid(topic))
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"invalid topic name '{topic}'"));

        var ct = context.CancellationToken;
        var time = options.TimeProvider;
        // One pending "something changed" flag per stream: the store's event handler only sets it, never blocks.
        var signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
        {
            FullMode = BoundedChannelFullMode.DropWrite,
            SingleReader = true,
            SingleWriter = false,
        });

        void OnChanged(string changedTopic)
        {
            if (changedTopic.Length == 0 || string.Equals(changedTopic, topic, StringComparison.Ordinal))
                signal.Writer.TryWrite(true);
        }

        // Subscribe before the first read so no change between the read and the subscription is lost.
        store.Changed += OnChanged;
        try
        {
            ulong sequence = 0;
            TopicSnapshot? lastState = null;
            Task<bool>? pendingSignal = null;
            while (!ct.IsCancellationRequested)
            {
                var nowNs = TopicView.NowNs(time);
                TopicView view;
                try
                {
                    view = await TopicView.BuildAsync(store, topic, options.InactiveProducerTimeout,
                        options.TombstoneLifetime, nowNs).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    throw new RpcException(new Status(StatusCode.Unavailable, "registration store unavailable", ex));
                }

                var state = ToSnapshot(view);
                if (lastState is null || !lastState.Equals(state))
                {
                    lastState = state;
                    var sent = state.Clone();
                    sent.Sequence = ++sequence;
                    await responseStream.WriteAsync(sent, ct).ConfigureAwait(false);
                }

                var wait = options.ResyncInterval;
                if (TopicView.NextFilterDeadlineNs(view.Registered, options.InactiveProducerTimeout,
                        options.TombstoneLifetime, nowNs) is { } deadlineNs)
                {
                    var untilDeadline = TimeSpan.FromTicks((deadlineNs - nowNs + 99) / 100);
                    if (untilDeadline < wait) wait = untilDeadline;
                }

                pendingSignal ??= signal.Reader.WaitToReadAsync(ct).AsTask();
                using var delayCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
                var timer = Task.Delay(wait, time, delayCts.Token);
                var first = await Task.WhenAny(pendingSignal, timer).ConfigureAwait(false);
                await delayCts.CancelAsync().ConfigureAwait(false);
                if (first == pendingSignal)
                {
                    if (!await pendingSignal.ConfigureAwait(false)) return;
                    pendingSignal = null;
                    // Let a burst of changes settle, then take them all in one read.
                    await Task.Delay(options.Debounce, time, ct).ConfigureAwait(false);
                    signal.Reader.TryRead(out _);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client went away or the server is stopping.
        }
        finally
        {
            store.Changed -= OnChanged;
        }
    }

    public override async Task<ListTopicsResponse> ListTopics(ListTopicsRequest request, ServerCallContext context)
    {
        var keys = await store.FindRegistrationsAsync(Registration.TopicCategory, "*", "").ConfigureAwait(false);
        var response = new ListTopicsResponse();
        response.Topics.AddRange(keys.Select(r => r.Key).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
        return response;
    }

    /// <summary>The snapshot for a view, with sequence 0 (set when sent).</summary>
    public static TopicSnapshot ToSnapshot(TopicView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var snapshot = new TopicSnapshot { Topic = view.Topic, Exists = view.Exists };
        snapshot.Channels.AddRange(view.Channels);
        foreach (var p in view.Producers)
        {
            var info = p.Info;
            snapshot.Producers.Add(new Producer
            {
                BroadcastAddress = info.BroadcastAddress ?? "",
                TcpPort = info.TcpPort,
                HttpPort = info.HttpPort,
                Hostname = info.Hostname ?? "",
                Version = info.Version ?? "",
                RemoteAddress = info.RemoteAddress ?? "",
                TopologyZone = info.TopologyZone ?? "",
                TopologyRegion = info.TopologyRegion ?? "",
            });
        }
        return snapshot;
    }
}
