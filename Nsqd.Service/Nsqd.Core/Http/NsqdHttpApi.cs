using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NsqAspire.Daemon.Http;

namespace Nsqd.Core.Http;

/// <summary>
/// Spec §3: nsqd 1.3's HTTP API, served on the HTTP and HTTPS listeners. This file is the front door: the V1 header on
/// every response, the TLS_REQUIRED refusal of plain HTTP (§2.8), routing (<see cref="HttpRouter"/>) and the
/// <c>500 INTERNAL_ERROR</c> answer to a failing handler. The endpoints live in the other <c>NsqdHttpApi.*.cs</c> files.
/// </summary>
internal sealed partial class NsqdHttpApi
{
    private const string V1HeaderName = "X-NSQ-Content-Type";
    private const string V1HeaderValue = "nsq; version=1.0";

    private readonly Broker _broker;
    private readonly HttpRouter _router = new();
    private int _httpsPort = -1;

    public NsqdHttpApi(Broker broker)
    {
        _broker = broker;
        _router.Map("GET", "/ping", Ping);
        _router.Map("GET", "/info", Info);
        _router.Map("POST", "/pub", PubAsync);
        _router.Map("POST", "/mpub", MpubAsync);
        _router.Map("GET", "/stats", Stats);
        _router.Map("POST", "/topic/create", TopicCreate);
        _router.Map("POST", "/topic/delete", TopicDelete);
        _router.Map("POST", "/topic/empty", TopicEmpty);
        _router.Map("POST", "/topic/pause", TopicPause);
        _router.Map("POST", "/topic/unpause", TopicUnpause);
        _router.Map("POST", "/channel/create", ChannelCreate);
        _router.Map("POST", "/channel/delete", ChannelDelete);
        _router.Map("POST", "/channel/empty", ChannelEmpty);
        _router.Map("POST", "/channel/pause", ChannelPause);
        _router.Map("POST", "/channel/unpause", ChannelUnpause);
        _router.Map("GET", "/channel/config", ChannelConfigGet);
        _router.Map("POST", "/channel/config", ChannelConfigPostAsync);
        _router.Map("GET", "/channel/peek", ChannelPeek);
        _router.Map("GET", "/config/:opt", ConfigGet);
        _router.Map("PUT", "/config/:opt", ConfigPutAsync);
        _router.Map("PUT", "/debug/setblockrate", SetBlockRate);
        _router.Map("POST", "/debug/freememory", FreeMemory);
    }

    public async Task HandleAsync(HttpContext ctx)
    {
        var response = ctx.Response;
        response.Headers[V1HeaderName] = V1HeaderValue;

        if (_broker.Options.TlsRequiredLevel == 2 && !ctx.Request.IsHttps)
        {
            // nsqd writes this body by hand (note the spaces); its HTTP client retries over https on that port.
            await ApiResult.RawJson(403, $"{{\"message\": \"TLS_REQUIRED\", \"https_port\": {HttpsPort(ctx)}}}")
                .WriteAsync(response).ConfigureAwait(false);
            return;
        }

        var method = ctx.Request.Method;
        var path = ctx.Request.Path.Value ?? "/";
        ApiResult result;
        switch (_router.Resolve(method, path, out var handler, out var param, out var location, out var allow))
        {
            case HttpRouter.Outcome.Handler:
                try
                {
                    result = await handler!(new ApiRequest(ctx, param)).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex) when (!response.HasStarted)
                {
                    _broker.Logger.LogError(ex, "HTTP {Method} {Path} failed", method, path);
                    result = ApiResult.Error(500, "INTERNAL_ERROR");
                }
                break;
            case HttpRouter.Outcome.Redirect:
                response.Headers.Location = location + ctx.Request.QueryString.Value;
                response.StatusCode = method == "GET" ? 301 : 307;
                return;
            case HttpRouter.Outcome.Options:
                response.Headers.Allow = allow;
                result = ApiResult.Empty;
                break;
            case HttpRouter.Outcome.MethodNotAllowed:
                response.Headers.Allow = allow;
                result = ApiResult.Error(405, "METHOD_NOT_ALLOWED");
                break;
            default:
                result = ApiResult.Error(404, "NOT_FOUND");
                break;
        }
        await result.WriteAsync(response).ConfigureAwait(false);
    }

    /// <summary>The bound HTTPS port for the TLS_REQUIRED answer (the real one when configured with port 0).</summary>
    private int HttpsPort(HttpContext ctx)
    {
        if (_httpsPort >= 0) return _httpsPort;
        var addresses = ctx.RequestServices.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses;
        foreach (var a in addresses ?? [])
        {
            if (a.StartsWith("https://", StringComparison.OrdinalIgnoreCase) && Uri.TryCreate(a, UriKind.Absolute, out var uri))
                return _httpsPort = uri.Port;
        }
        var configured = _broker.Options.HttpsAddress;
        var colon = configured.LastIndexOf(':');
        return colon >= 0 && int.TryParse(configured.AsSpan(colon + 1), out var port) ? port : 0;
    }
}
