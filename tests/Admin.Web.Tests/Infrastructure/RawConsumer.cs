using System.Net;
using Nsq.Protocol.V2;

namespace Admin.Web.Tests.Infrastructure;

/// <summary>A consumer connection that subscribes and stays idle (RDY 0): it shows on the channel page as a client while
/// the channel keeps its depth.</summary>
public static class RawConsumer
{
    public static async Task<RawClient> SubscribeAsync(IPEndPoint nsqdTcp, string topic, string channel)
    {
        var c = await RawClient.ConnectAsync(nsqdTcp);
        await c.IdentifyAsync(new Dictionary<string, string>
        {
            ["client_id"] = "e2e-consumer",
            ["hostname"] = "e2e-host",
            ["user_agent"] = "admin-e2e/1.0",
        });
        Assert.Equal("OK", await c.ReadResponseTextAsync());
        await c.SendAsync(o => CommandWriter.Sub(o, topic, channel));
        Assert.Equal("OK", await c.ReadResponseTextAsync());
        return c;
    }
}
