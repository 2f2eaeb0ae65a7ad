using System.Net.Sockets;
using Nsq.Client;

namespace NsqAspire.Tools.Commands.Bench;

/// <summary>
/// Runs what the options ask for: the writer, the reader, both in sequence, or the lookup benchmark; prints the
/// <c>duration: ...</c> line and the <c>key=value</c> summary of each run on stdout. Exit code 0 on success, 1 when a
/// run moved nothing and saw errors, or the broker could not be reached (<c>[tool] FATAL: address: error</c>).
/// A Ctrl+C ends the current run early (its summary is still printed) and skips the reader of <c>nsq bench</c>.
/// </summary>
internal static class BenchRunner
{
    public static async Task<int> RunAsync(BenchOptions o, CancellationToken stop)
    {
        if (o.Mode == BenchMode.Lookup)
        {
            try
            {
                return await LookupBench.RunAsync(o, stop).ConfigureAwait(false) ? 1 : 0;
            }
            catch (Exception ex) when (ex is SocketException or IOException or FormatException or InvalidDataException)
            {
                throw new IOException($"{o.LookupdHttpAddress}: {ex.Message}", ex);
            }
        }

        try
        {
            var endPoint = await NsqConnection.ResolveAsync(o.TcpAddress).ConfigureAwait(false);
            if (o.Mode == BenchMode.Latency) return await LatencyBench.RunAsync(o, endPoint, stop).ConfigureAwait(false);
            var failed = false;
            if (o.Mode is BenchMode.Writer or BenchMode.Both)
            {
                if (o.CreateChannel) await ReaderBench.CreateChannelAsync(o, endPoint, stop).ConfigureAwait(false);
                var writer = o.Sdk ? SdkWriterBench.RunAsync(o, stop) : WriterBench.RunAsync(o, endPoint, stop);
                failed |= await ReportAsync(await writer.ConfigureAwait(false)).ConfigureAwait(false);
            }
            if (o.Mode is BenchMode.Reader or BenchMode.Both && !stop.IsCancellationRequested)
            {
                var reader = o.Sdk ? SdkReaderBench.RunAsync(o, stop) : ReaderBench.RunAsync(o, endPoint, stop);
                failed |= await ReportAsync(await reader.ConfigureAwait(false)).ConfigureAwait(false);
            }
            return failed ? 1 : 0;
        }
        catch (Exception ex) when (ex is SocketException or IOException or FormatException or InvalidDataException or NsqException)
        {
            throw new IOException($"{o.TcpAddress}: {ex.Message}", ex);
        }
    }

    /// <summary>Prints both lines; true when the run saw errors and moved nothing.</summary>
    private static async Task<bool> ReportAsync(BenchResult r)
    {
        await Console.Out.WriteLineAsync(r.DurationLine()).ConfigureAwait(false);
        await Console.Out.WriteLineAsync(r.SummaryLine()).ConfigureAwait(false);
        await Console.Out.FlushAsync().ConfigureAwait(false);
        return r.Errors > 0 && r.Messages == 0;
    }

    /// <summary>bench_writer's <c>--deadline</c>: sleep until that time (UTC) before the common start, saying so on
    /// stderr as Go does.</summary>
    public static async Task WaitForDeadlineAsync(BenchOptions o, CancellationToken stop)
    {
        if (o.Deadline is not { } deadline) return;
        var wait = deadline - DateTime.UtcNow;
        await Console.Error.WriteLineAsync($"[{Role(o)}] sleeping until {deadline:yyyy-MM-dd HH:mm:ss} UTC ({wait})").ConfigureAwait(false);
        if (wait > TimeSpan.Zero) await Task.Delay(wait, stop).ConfigureAwait(false);
    }

    private static string Role(BenchOptions o) => o.Mode == BenchMode.Reader ? "bench_reader" : "bench_writer";
}
