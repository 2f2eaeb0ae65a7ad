using System.Threading.Channels;
using Nsq.Client;

namespace NsqAspire.Tools.Commands.ToFile;

/// <summary>
/// One topic's consumer and file, run as the Go tool's router: each message is written as it comes, and FINed only
/// once it is synced to disk (at-least-once: a crash before the sync leaves it unFINed for nsqd to deliver again). A
/// sync happens every <c>--sync-interval</c>, after a rotation, when max-in-flight messages wait, and when the consumer
/// is starved (the unanswered messages use up most of a connection's RDY, so no more would come). On stop: the
/// consumer stops asking for messages, the ones still delivered are written, everything is synced and FINed, and the
/// file is closed (and moved).
/// </summary>
internal sealed class TopicArchiver
{
    /// <summary>go-nsq's IsStarved: a connection's in-flight count at 85% of its RDY.</summary>
    private const double StarvedFraction = 0.85;

    private readonly NsqToFileOptions _o;
    private readonly ToFileLog _log;
    private readonly string _label;
    private readonly TopicFile _file;
    private readonly NsqConsumerOptions _consumerOptions;
    private readonly Channel<bool> _hangUp = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly List<NsqMessage> _pending;

    public TopicArchiver(NsqToFileOptions options, ToFileLog log, string topic, NsqConsumerOptions consumerOptions)
    {
        _o = options;
        _log = log;
        _label = $"[{topic}/{options.Channel}]";
        _file = new TopicFile(options, log, topic);
        _consumerOptions = consumerOptions;
        _pending = new List<NsqMessage>(options.MaxInFlight);
    }

    /// <summary>SIGHUP: sync and close the file now (the next message opens the next one), for external log rotation.</summary>
    public void HangUp() => _hangUp.Writer.TryWrite(true);

    public async Task RunAsync(CancellationToken stop)
    {
        var consumer = new NsqConsumer(_consumerOptions);
        await using var _ = consumer.ConfigureAwait(false);
        var inbox = Channel.CreateUnbounded<NsqMessage>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var pump = PumpAsync(consumer, inbox.Writer);
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var onStop = stop.Register(() => stopped.TrySetResult()).ConfigureAwait(false);
        using var ticker = new PeriodicTimer(_o.SyncInterval);
        Task<bool>? tick = ticker.WaitForNextTickAsync().AsTask();
        Task stopSignal = stopped.Task;
        Task? consumerStop = null;
        var never = new TaskCompletionSource<bool>().Task;

        // A wait stays pending across turns until it fires: a new one each turn would pile up waiters on the channel.
        Task<bool>? readable = null, hangUp = null;
        for (var exit = false; !exit;)
        {
            readable ??= inbox.Reader.WaitToReadAsync().AsTask();
            hangUp ??= _hangUp.Reader.WaitToReadAsync().AsTask();
            var fired = await Task.WhenAny(readable, tick ?? never, stopSignal, hangUp).ConfigureAwait(false);
            bool sync = false, closeFile = false;
            if (fired == readable)
            {
                var more = await readable.ConfigureAwait(false);
                readable = null;
                if (more) await WriteAvailableAsync(consumer, inbox.Reader).ConfigureAwait(false);
                else sync = closeFile = exit = true; // the consumer has stopped and every message it delivered is written
            }
            else if (fired == tick)
            {
                if (_file.NeedsRotation())
                {
                    if (_o.SkipEmptyFiles) closeFile = true;
                    else _file.UpdateFile();
                }
                sync = true;
                tick = ticker.WaitForNextTickAsync().AsTask();
            }
            else if (fired == stopSignal)
            {
                tick = null;
                stopSignal = never;
                consumerStop = consumer.StopAsync();
                sync = true;
            }
            else
            {
                _hangUp.Reader.TryRead(out var _);
                hangUp = null;
                sync = closeFile = true;
            }
            if (sync) await SyncAndFinishAsync().ConfigureAwait(false);
            if (closeFile) _file.Close();
        }
        await (consumerStop ?? consumer.StopAsync()).ConfigureAwait(false);
        await pump.ConfigureAwait(false);
    }

    /// <summary>Writes every message already delivered; syncs after a rotation, at max-in-flight, or when starved.</summary>
    private async Task WriteAvailableAsync(NsqConsumer consumer, ChannelReader<NsqMessage> reader)
    {
        while (reader.TryRead(out var message))
        {
            var sync = false;
            if (_file.NeedsRotation())
            {
                _file.UpdateFile();
                sync = true;
            }
            _file.Write(message.Body.Span);
            _pending.Add(message);
            if (sync || _pending.Count >= _o.MaxInFlight || _pending.Count >= StarvedAt(consumer))
                await SyncAndFinishAsync().ConfigureAwait(false);
        }
    }

    private static int StarvedAt(NsqConsumer consumer) => Math.Max(1, (int)(consumer.ReadyPerConnection * StarvedFraction));

    private async Task SyncAndFinishAsync()
    {
        if (_pending.Count == 0) return;
        _log.Info($"{_label} syncing {_pending.Count} records to disk");
        _file.Sync();
        foreach (var message in _pending)
        {
            try
            {
                await message.FinishAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (NsqException)
            {
                // The connection is gone: nsqd delivers the message again (it is on disk twice then, as with the Go tool).
            }
        }
        _pending.Clear();
    }

    /// <summary>The consumer's messages into the router's inbox; the inbox completes when the consumer has stopped.</summary>
    private static async Task PumpAsync(NsqConsumer consumer, ChannelWriter<NsqMessage> inbox)
    {
        try
        {
            await foreach (var message in consumer.ConsumeAsync(CancellationToken.None).ConfigureAwait(false))
                inbox.TryWrite(message);
            inbox.TryComplete();
        }
#pragma warning disable CA1031 // Handed to the router, which fails with it.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            inbox.TryComplete(ex);
        }
    }
}
