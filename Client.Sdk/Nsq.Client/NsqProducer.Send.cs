using System.Buffers;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Nsq.Client.Internal;

namespace Nsq.Client;

/// <summary>
/// The send path shared by every publish. With nothing listening to <see cref="NsqTelemetry"/> it is the bare path: one
/// check, no span, no clock read, no allocation. Otherwise a <c>send {topic}</c> span (producer kind) wraps the round
/// trip, its context goes into the headers, and the publish metrics are recorded.
/// </summary>
public sealed partial class NsqProducer
{
    /// <summary>The publish commands, by their <c>messaging.operation.name</c>.</summary>
    private static class Operation
    {
        public const string Pub = "PUB";
        public const string Mpub = "MPUB";
        public const string Dpub = "DPUB";
    }

    /// <summary>What the encoder of one publish gets: its arguments, the header block, and whether the connection frames bodies with it.</summary>
    private readonly record struct Publish<TState>(TState State, HeaderBlock Block, bool Framed);

    private ValueTask SendAsync<TState>(string operation, string topic, int count, int bodySize, NsqHeaders? headers,
        Action<IBufferWriter<byte>, Publish<TState>> write, TState state, CancellationToken cancellationToken)
    {
        if (NsqTelemetry.PublishObserved) return SendObservedAsync(operation, topic, count, bodySize, headers, write, state, cancellationToken);
        // Without a send span of ours the ambient trace (if any) still travels, unless the caller set one explicitly.
        return SendCoreAsync(write, state, new HeaderBlock(headers, Activity.Current, replaceCallerTrace: false), cancellationToken);
    }

    private async ValueTask SendObservedAsync<TState>(string operation, string topic, int count, int bodySize, NsqHeaders? headers,
        Action<IBufferWriter<byte>, Publish<TState>> write, TState state, CancellationToken cancellationToken)
    {
        using var activity = StartSend(operation, topic, count, bodySize);
        var block = new HeaderBlock(headers, activity ?? Activity.Current, replaceCallerTrace: activity is not null);
        var started = Stopwatch.GetTimestamp();
        string? errorType = null;
        try
        {
            await SendCoreAsync(write, state, block, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            errorType = NsqTelemetry.ErrorTypeOf(ex);
            NsqTelemetry.SetError(activity, ex, errorType);
            throw;
        }
        finally
        {
            var tags = new TagList
            {
                { NsqTelemetry.MessagingSystem, NsqTelemetry.Nsq },
                { NsqTelemetry.DestinationName, topic },
                { NsqTelemetry.OperationType, NsqTelemetry.Send },
                { NsqTelemetry.OperationName, operation },
            };
            if (errorType is not null) tags.Add(NsqTelemetry.ErrorType, errorType);
            NsqTelemetry.SentMessages.Add(count, tags);
            NsqTelemetry.OperationDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
        }
    }

    private static Activity? StartSend(string operation, string topic, int count, int bodySize)
    {
        if (!NsqTelemetry.Source.HasListeners()) return null;
        var activity = NsqTelemetry.Source.StartActivity(NsqTelemetry.Send + " " + topic, ActivityKind.Producer);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(NsqTelemetry.MessagingSystem, NsqTelemetry.Nsq);
            activity.SetTag(NsqTelemetry.DestinationName, topic);
            activity.SetTag(NsqTelemetry.OperationType, NsqTelemetry.Send);
            activity.SetTag(NsqTelemetry.OperationName, operation);
            if (operation == Operation.Mpub) activity.SetTag(NsqTelemetry.BatchCount, count);
            if (bodySize >= 0) activity.SetTag(NsqTelemetry.BodySize, bodySize);
        }
        return activity;
    }

    /// <summary>
    /// On an open connection the command is encoded and pipelined at once, and the only wait is for nsqd's answer (the
    /// connection fails answers overdue by PublishTimeout); connecting has its own PublishTimeout. Whether bodies carry
    /// the header block is the connection's to say, so it is decided here, once the connection is known.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendCoreAsync<TState>(Action<IBufferWriter<byte>, Publish<TState>> write, TState state, HeaderBlock block, CancellationToken cancellationToken)
    {
        var connection = Volatile.Read(ref _connection);
        if (connection is not { IsClosed: false }) connection = await ConnectWithinTimeoutAsync(cancellationToken).ConfigureAwait(false);
        await connection.SendAsync(write, new Publish<TState>(state, block, connection.HeadersNegotiated), cancellationToken).ConfigureAwait(false);
    }
}
