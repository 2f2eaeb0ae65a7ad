namespace NsqAspire.Tools.Commands.ToNsq;

/// <summary><c>nsq nsq_to_nsq</c> (<c>nsq to-nsq</c>): copy topics to another nsqd</summary>
internal static class NsqToNsqCommand
{
    public static ToolCommand Definition { get; } = new("nsq_to_nsq", "to-nsq", "copy topics to another nsqd", RunAsync);

    private static async Task<int> RunAsync(string[] args, CancellationToken stop)
    {
        await Console.Error.WriteLineAsync("nsq nsq_to_nsq: not built yet").ConfigureAwait(false);
        return 1;
    }
}
