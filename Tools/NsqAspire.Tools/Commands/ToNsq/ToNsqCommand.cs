namespace NsqAspire.Tools.Commands.ToNsq;

/// <summary><c>nsq to_nsq</c> (<c>nsq pub</c>): publish stdin to a topic, one message per line</summary>
internal static class ToNsqCommand
{
    public static ToolCommand Definition { get; } = new("to_nsq", "pub", "publish stdin to a topic, one message per line", RunAsync);

    private static async Task<int> RunAsync(string[] args, CancellationToken stop)
    {
        await Console.Error.WriteLineAsync("nsq to_nsq: not built yet").ConfigureAwait(false);
        return 1;
    }
}
