using Microsoft.AspNetCore.Http;

namespace Nsqd.Core.Http;

/// <summary>Spec §3: nsqd's HTTP API. (Being filled in; /ping only for now.)</summary>
internal sealed class NsqdHttpApi(Broker broker)
{
    public async Task HandleAsync(HttpContext ctx)
    {
        ctx.Response.Headers["X-NSQ-Content-Type"] = "nsq; version=1.0";
        if (ctx.Request.Path == "/ping")
        {
            ctx.Response.StatusCode = broker.IsHealthy ? 200 : 500;
            await ctx.Response.WriteAsync(broker.IsHealthy ? "OK" : broker.Health).ConfigureAwait(false);
            return;
        }
        ctx.Response.StatusCode = 404;
        ctx.Response.ContentType = "application/json; charset=utf-8";
        await ctx.Response.WriteAsync("{\"message\":\"NOT_FOUND\"}").ConfigureAwait(false);
    }
}
