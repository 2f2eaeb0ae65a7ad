namespace NsqAspire.Tools.Commands.Stat;

/// <summary><c>nsq nsq_stat</c> (<c>nsq stat</c>): poll /stats and print a topic/channel's rates</summary>
internal static class NsqStatCommand
{
    public static ToolCommand Definition { get; } = new("nsq_stat", "stat", "poll /stats and print a topic/channel's rates", RunAsync);

    private static async Task<int> RunAsync(string[] args, CancellationToken stop)
    {
        await Console.Error.WriteLineAsync("nsq nsq_stat: not built yet").ConfigureAwait(false);
        return 1;
    }
}
