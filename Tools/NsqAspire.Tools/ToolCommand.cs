namespace NsqAspire.Tools;

/// <summary>
/// One subcommand of <c>nsq</c>: the Go tool's name (<c>nsq_tail</c>), a short alias (<c>tail</c>), a line for
/// <c>nsq --help</c>, and its entry point, which gets the arguments after the subcommand and a token cancelled by the
/// first Ctrl+C / SIGTERM (a graceful stop: consumers flush their FINs and close); it returns the exit code.
/// </summary>
internal sealed record ToolCommand(string Name, string Alias, string Summary,
    Func<string[], CancellationToken, Task<int>> RunAsync);
