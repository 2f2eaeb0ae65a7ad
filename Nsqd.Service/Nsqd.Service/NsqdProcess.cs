using Microsoft.Extensions.Hosting;
using Nsqd.Core;

namespace Nsqd.Service;

/// <summary>Runs the broker until SIGTERM/Ctrl+C and turns a failure to start into nsqd's exit code 1.</summary>
internal static class NsqdProcess
{
    public static async Task<int> RunAsync(NsqdOptions options, string[] hostArguments)
    {
        try
        {
            await using var server = NsqdServer.Create(options, hostArguments,
                builder => builder.AddServiceDefaults(),
                app => app.MapDefaultEndpoints());
            await server.RunAsync(CancellationToken.None).ConfigureAwait(false);
            return 0;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A port already in use or a locked data path: say so on one line and exit 1, as nsqd does,
            // instead of an unhandled-exception dump and abort code.
            await Console.Error.WriteLineAsync($"[nsqd] FATAL: {ex.Message}").ConfigureAwait(false);
            return 1;
        }
    }
}
