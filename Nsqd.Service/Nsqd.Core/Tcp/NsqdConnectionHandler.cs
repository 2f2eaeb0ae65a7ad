using Microsoft.AspNetCore.Connections;

namespace Nsqd.Core.Tcp;

/// <summary>Kestrel's entry for the TCP port: one <see cref="ClientSession"/> per connection.</summary>
internal sealed class NsqdConnectionHandler(Broker broker) : ConnectionHandler
{
    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        if (broker.IsExiting) return;
        var session = new ClientSession(connection, broker);
        try
        {
            await session.RunAsync().ConfigureAwait(false);
        }
        finally
        {
            session.DisposeConnectionLayers();
        }
    }
}
