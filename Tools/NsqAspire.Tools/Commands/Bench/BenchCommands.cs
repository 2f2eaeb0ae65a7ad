namespace NsqAspire.Tools.Commands.Bench;

/// <summary><c>nsq bench_writer</c>, <c>nsq bench_reader</c> and <c>nsq bench</c> (writer, then reader): NSQ's
/// throughput tools.</summary>
internal static class BenchCommands
{
    public static ToolCommand Writer { get; } = new("bench_writer", "writer", "publish as fast as possible (MPUB batches)", RunAsync);
    public static ToolCommand Reader { get; } = new("bench_reader", "reader", "consume as fast as possible", RunAsync);
    public static ToolCommand Both { get; } = new("bench", "both", "bench_writer, then bench_reader on its backlog", RunAsync);

    private static async Task<int> RunAsync(string[] args, CancellationToken stop)
    {
        await Console.Error.WriteLineAsync("nsq bench: not built yet").ConfigureAwait(false);
        return 1;
    }
}
