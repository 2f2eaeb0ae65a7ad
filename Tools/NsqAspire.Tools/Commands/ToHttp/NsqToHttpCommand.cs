namespace NsqAspire.Tools.Commands.ToHttp;

/// <summary><c>nsq nsq_to_http</c> (<c>nsq to-http</c>): deliver a topic's messages to HTTP endpoints</summary>
internal static class NsqToHttpCommand
{
    public static ToolCommand Definition { get; } = new("nsq_to_http", "to-http", "deliver a topic's messages to HTTP endpoints", RunAsync);

    private static async Task<int> RunAsync(string[] args, CancellationToken stop)
    {
        await Console.Error.WriteLineAsync("nsq nsq_to_http: not built yet").ConfigureAwait(false);
        return 1;
    }
}
