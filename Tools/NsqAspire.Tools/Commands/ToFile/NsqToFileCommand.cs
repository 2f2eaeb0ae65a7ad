namespace NsqAspire.Tools.Commands.ToFile;

/// <summary><c>nsq nsq_to_file</c> (<c>nsq to-file</c>): archive topics to files (rotation, gzip)</summary>
internal static class NsqToFileCommand
{
    public static ToolCommand Definition { get; } = new("nsq_to_file", "to-file", "archive topics to files (rotation, gzip)", RunAsync);

    private static async Task<int> RunAsync(string[] args, CancellationToken stop)
    {
        await Console.Error.WriteLineAsync("nsq nsq_to_file: not built yet").ConfigureAwait(false);
        return 1;
    }
}
