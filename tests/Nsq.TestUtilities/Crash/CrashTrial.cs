using System.Collections.Concurrent;
using System.Text;
using Nsq.Protocol.V2;
using Nsq.TestUtilities.Processes;
using Nsq.TestUtilities.Wire;

namespace Nsq.TestUtilities.Crash;

/// <summary>What one trial saw: acknowledged publishes, how many came back, how many did not, and re-deliveries.</summary>
public sealed record CrashTrialResult(int Trial, int Acknowledged, int FinishedBeforeCrash, int Recovered, int Missing,
    int Duplicates, TimeSpan KilledAfter)
{
    public override string ToString() =>
        $"trial={Trial} killed_after_first_ok={KilledAfter.TotalMilliseconds:F0}ms acknowledged={Acknowledged} " +
        $"finished_before_crash={FinishedBeforeCrash} recovered={Recovered} missing={Missing} duplicates={Duplicates}";
}

/// <summary>
/// One kill -9 trial against <c>--durability=durable</c>: a consumer subscribes (so messages go through a channel and
/// some are in flight, some finished), several publishers send PUB, MPUB and short DPUBs and record each message only
/// once its OK arrived, the broker is killed with SIGKILL at a random moment, restarted on the same data path and
/// drained. Every acknowledged message must be either finished before the crash or delivered after it.
/// </summary>
public static class CrashTrial
{
    private const string Topic = "crash";
    private const string Channel = "ch";

    public static async Task<CrashTrialResult> RunAsync(string nsqdDll, string dataPath, int trial, int seed,
        int publishers = 4, CancellationToken ct = default)
    {
        var rng = new Random(seed);
        var acked = new ConcurrentBag<string>();
        var finished = new ConcurrentDictionary<string, byte>();
        var killAfter = TimeSpan.FromMilliseconds(rng.Next(300, 2000));
        string[] args = ["--durability=durable", "--msg-timeout=60s"];

        await using (var broker = await NsqdProcess.StartAsync(dataPath, args, nsqdDll, ct).ConfigureAwait(false))
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var consumer = Task.Run(() => ConsumeBeforeCrashAsync(broker, finished, stop.Token), CancellationToken.None);
            var tasks = new List<Task> { consumer };
            for (var p = 0; p < publishers; p++)
            {
                var publisher = p;
                var pubSeed = rng.Next();
                tasks.Add(Task.Run(() => PublishAsync(broker, trial, publisher, pubSeed, acked, stop.Token), CancellationToken.None));
            }
            // The random moment counts from the first acknowledgement, so that a slow start cannot make a trial empty.
            var started = Environment.TickCount64;
            while (acked.IsEmpty && Environment.TickCount64 - started < 30_000 && !tasks.TrueForAll(t => t.IsCompleted))
                await Task.Delay(10, ct).ConfigureAwait(false);
            await Task.Delay(killAfter, ct).ConfigureAwait(false);
            await broker.KillAsync().ConfigureAwait(false);
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(tasks).ConfigureAwait(false); // each ends on the connection error or the cancellation
        }

        // Sets, not the bag: the bag's Contains is a linear scan, and finished × acknowledged scans took ~30 s per trial.
        var acknowledged = new HashSet<string>(acked, StringComparer.Ordinal);
        var expected = new HashSet<string>(acknowledged, StringComparer.Ordinal);
        expected.ExceptWith(finished.Keys);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var duplicates = 0;
        await using (var broker = await NsqdProcess.StartAsync(dataPath, args, nsqdDll, ct).ConfigureAwait(false))
        {
            await using var sub = await SubscribeAsync(broker, rdy: 2500, ct).ConfigureAwait(false);
            // Drain until every expected message arrived, or nothing new came for a while (deferred ones are short).
            var outstanding = new HashSet<string>(expected, StringComparer.Ordinal);
            while (outstanding.Count > 0)
            {
                using var idle = CancellationTokenSource.CreateLinkedTokenSource(ct);
                idle.CancelAfter(TimeSpan.FromSeconds(5));
                (string Id, string Body) m;
                try
                {
                    m = await ReadMessageAsync(sub, idle.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    break;
                }
                if (!seen.Add(m.Body) || finished.ContainsKey(m.Body)) duplicates++;
                outstanding.Remove(m.Body);
                CommandWriter.Fin(sub.Output, Encoding.ASCII.GetBytes(m.Id));
                await sub.SendAsync(ct).ConfigureAwait(false);
            }
            var missing = outstanding.Count;
            return new CrashTrialResult(trial, expected.Count + finished.Keys.Count(acknowledged.Contains), finished.Count,
                expected.Count - missing, missing, duplicates, killAfter);
        }
    }

    /// <summary>Publishes until the broker dies; a message counts as acknowledged only once its OK was read.</summary>
    private static async Task PublishAsync(NsqdProcess broker, int trial, int publisher, int seed, ConcurrentBag<string> acked,
        CancellationToken ct)
    {
        var rng = new Random(seed);
        var seq = 0;
        var padding = new string('x', 120);
        try
        {
            await using var c = await PipelinedConnection.OpenAsync(broker.Tcp, ct).ConfigureAwait(false);
            while (!ct.IsCancellationRequested)
            {
                var kind = rng.Next(10);
                var count = kind < 6 ? rng.Next(1, 100) : 1;
                var bodies = new string[count];
                for (var i = 0; i < count; i++) bodies[i] = $"t{trial}-p{publisher}-{seq++}-{padding}";
                if (kind < 6)
                    CommandWriter.Mpub(c.Output, Topic, Array.ConvertAll(bodies, b => (ReadOnlyMemory<byte>)Encoding.ASCII.GetBytes(b)));
                else if (kind < 9) CommandWriter.Pub(c.Output, Topic, Encoding.ASCII.GetBytes(bodies[0]));
                else CommandWriter.Dpub(c.Output, Topic, rng.Next(50, 500), Encoding.ASCII.GetBytes(bodies[0]));
                await c.SendAsync(ct).ConfigureAwait(false);
                await c.ExpectOkAsync(ct).ConfigureAwait(false);
                foreach (var b in bodies) acked.Add(b);
            }
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or OperationCanceledException)
        {
            // The broker was killed: whatever was not acknowledged does not count.
        }
    }

    /// <summary>Takes messages, finishes nine in ten and leaves the tenth in flight when the broker dies.</summary>
    private static async Task ConsumeBeforeCrashAsync(NsqdProcess broker, ConcurrentDictionary<string, byte> finished, CancellationToken ct)
    {
        try
        {
            await using var sub = await SubscribeAsync(broker, rdy: 1000, ct).ConfigureAwait(false);
            var n = 0;
            while (!ct.IsCancellationRequested)
            {
                var m = await ReadMessageAsync(sub, ct).ConfigureAwait(false);
                if (n++ % 10 == 9) continue; // stays in flight
                finished[m.Body] = 0;
                CommandWriter.Fin(sub.Output, Encoding.ASCII.GetBytes(m.Id));
                await sub.SendAsync(ct).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or OperationCanceledException)
        {
        }
    }

    private static async Task<PipelinedConnection> SubscribeAsync(NsqdProcess broker, int rdy, CancellationToken ct)
    {
        var c = await PipelinedConnection.OpenAsync(broker.Tcp, ct).ConfigureAwait(false);
        CommandWriter.Sub(c.Output, Topic, Channel);
        await c.SendAsync(ct).ConfigureAwait(false);
        await c.ExpectOkAsync(ct).ConfigureAwait(false);
        CommandWriter.Rdy(c.Output, rdy);
        await c.SendAsync(ct).ConfigureAwait(false);
        return c;
    }

    private static async Task<(string Id, string Body)> ReadMessageAsync(PipelinedConnection c, CancellationToken ct)
    {
        while (true)
        {
            var (type, data) = await c.ReadFrameAsync(ct).ConfigureAwait(false);
            if (type != FrameType.Message) continue; // a FIN error for a message that timed out meanwhile
            return (Encoding.ASCII.GetString(data, MessageLayout.IdOffset, 16),
                Encoding.ASCII.GetString(data, MessageLayout.HeaderLength, data.Length - MessageLayout.HeaderLength));
        }
    }
}
