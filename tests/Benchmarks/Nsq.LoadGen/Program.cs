using System.Net.Sockets;

namespace Nsq.LoadGen;

/// <summary>
/// <c>Nsq.LoadGen writer|reader|both [flags]</c>: nsq's bench_writer and bench_reader against any nsqd (ours or Go's).
/// Prints bench_writer's <c>duration: ...</c> line and a <c>[writer]</c>/<c>[reader]</c> summary per run.
/// <c>Nsq.LoadGen lookup [flags]</c>: /lookup requests per second against an nsqlookupd (a <c>[lookup]</c> line). Exit code 0 on
/// success, 2 for a usage error, 1 when the broker could not be reached or a connection failed.
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        LoadGenOptions o;
        try
        {
            o = LoadGenOptions.Parse(args);
        }
        catch (HelpRequestedException)
        {
            await Console.Out.WriteLineAsync(LoadGenOptions.Usage).ConfigureAwait(false);
            return 0;
        }
        catch (FormatException ex)
        {
            await Console.Error.WriteLineAsync($"{ex.Message}\n{LoadGenOptions.Usage}").ConfigureAwait(false);
            return 2;
        }

        if (o.Mode == LoadGenMode.Lookup)
        {
            try
            {
                return await LookupBench.RunAsync(o).ConfigureAwait(false) ? 1 : 0;
            }
            catch (Exception ex) when (ex is SocketException or IOException or FormatException or InvalidDataException)
            {
                await Console.Error.WriteLineAsync($"FATAL: {o.LookupdHttpAddress}: {ex.Message}").ConfigureAwait(false);
                return 1;
            }
        }

        try
        {
            var endPoint = await NsqConnection.ResolveAsync(o.TcpAddress).ConfigureAwait(false);
            var failed = false;
            if (o.Mode is LoadGenMode.Writer or LoadGenMode.Both)
            {
                if (o.EffectiveCreateChannel) await ReaderBench.CreateChannelAsync(o, endPoint).ConfigureAwait(false);
                failed |= await ReportAsync(await (o.Sdk ? SdkWriterBench.RunAsync(o) : WriterBench.RunAsync(o, endPoint)).ConfigureAwait(false)).ConfigureAwait(false);
            }
            if (o.Mode is LoadGenMode.Reader or LoadGenMode.Both)
            {
                failed |= await ReportAsync(await (o.Sdk ? SdkReaderBench.RunAsync(o) : ReaderBench.RunAsync(o, endPoint)).ConfigureAwait(false)).ConfigureAwait(false);
            }
            return failed ? 1 : 0;
        }
        catch (Exception ex) when (ex is SocketException or IOException or FormatException or InvalidDataException or Nsq.Client.NsqException)
        {
            await Console.Error.WriteLineAsync($"FATAL: {o.TcpAddress}: {ex.Message}").ConfigureAwait(false);
            return 1;
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

    /// <summary>bench_writer's <c>--deadline</c>: sleep until that local time before the common start.</summary>
    public static async Task WaitForDeadlineAsync(LoadGenOptions o)
    {
        if (o.Deadline is not { } deadline) return;
        var wait = deadline - DateTime.Now;
        if (wait > TimeSpan.Zero) await Task.Delay(wait).ConfigureAwait(false);
    }
}
