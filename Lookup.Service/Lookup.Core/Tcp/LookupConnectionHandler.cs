using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace Lookup.Core.Tcp;

/// <summary>Kestrel's entry point for the TCP listener: one <see cref="LookupSession"/> per nsqd connection.</summary>
internal sealed class LookupConnectionHandler(LookupContext context) : ConnectionHandler
{
    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        var session = new LookupSession(context, connection);
        try
        {
            await session.RunAsync().ConfigureAwait(false);
        }
        catch (ConnectionResetException)
        {
        }
        catch (OperationCanceledException)
        {
        }
        catch (IOException ex)
        {
            context.Logger.LogDebug(ex, "TCP {Peer} I/O error", connection.RemoteEndPoint);
        }
        finally
        {
            await session.CleanupAsync().ConfigureAwait(false);
        }
    }
}
