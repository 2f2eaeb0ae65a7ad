using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NsqAspire.Daemon.Auth;
using NsqAspire.Daemon.Http;

namespace Nsqd.Core.Http;

/// <summary>
/// Spec §3: nsqd 1.3's HTTP API, served on the HTTP and HTTPS listeners. This file is the front door: the V1 header on
/// every response, the TLS_REQUIRED refusal of plain HTTP (§2.8), HTTP auth (<see cref="HttpAuthFilter"/>, when
/// configured), routing (<see cref="HttpRouter"/>) and the <c>500 INTERNAL_ERROR</c> answer to a failing handler. The
/// endpoints live in the other <c>NsqdHttpApi.*.cs</c> files.
/// </summary>
internal sealed partial class NsqdHttpApi
{
    private const string V1HeaderName = "X-NSQ-Content-Type";
    private const string V1HeaderValue = "nsq; version=1.0";

    private readonly Broker _broker;
    private readonly HttpRouter _router = new();
    /// <summary>Null when HTTP auth is off or has no credential source: then requests pay one null check.</summary>
    private readonly HttpAuthFilter? _auth;
    private int _httpsPort = -1;

    public NsqdHttpApi(Broker broker)
    {
        _broker = broker;
        var rules = new HttpAuthRules();
        void Map(string method, string pattern, ApiHandler handler, HttpAccess access = HttpAccess.Read)
        {
            _router.Map(method, pattern, handler);
            rules.Add(method, pattern, access);
        }

        // Each route with the access HTTP auth asks of it (docs/http-auth.md); reads are open unless --http-auth=all.
        Map("GET", "/ping", Ping, HttpAccess.Open);
        Map("GET", "/info", Info);
        Map("POST", "/pub", PubAsync, HttpAccess.Publish);
        Map("POST", "/mpub", MpubAsync, HttpAccess.Publish);
        Map("GET", "/stats", Stats);
        Map("POST", "/topic/create", TopicCreate, HttpAccess.Publish);
        Map("POST", "/topic/delete", TopicDelete, HttpAccess.Publish);
        Map("POST", "/topic/empty", TopicEmpty, HttpAccess.Publish);
        Map("POST", "/topic/pause", TopicPause, HttpAccess.Publish);
        Map("POST", "/topic/unpause", TopicUnpause, HttpAccess.Publish);
        Map("POST", "/channel/create", ChannelCreate, HttpAccess.Subscribe);
        Map("POST", "/channel/delete", ChannelDelete, HttpAccess.Subscribe);
        Map("POST", "/channel/empty", ChannelEmpty, HttpAccess.Subscribe);
        Map("POST", "/channel/pause", ChannelPause, HttpAccess.Subscribe);
        Map("POST", "/channel/unpause", ChannelUnpause, HttpAccess.Subscribe);
        Map("GET", "/channel/config", ChannelConfigGet);
        Map("POST", "/channel/config", ChannelConfigPostAsync, HttpAccess.Subscribe);
        // A GET, but it hands out message bodies: the same permission a consumer needs to receive them.
        Map("GET", "/channel/peek", ChannelPeek, HttpAccess.Subscribe);
        Map("GET", "/config/:opt", ConfigGet);
        Map("PUT", "/config/:opt", ConfigPutAsync, HttpAccess.Admin);
        Map("PUT", "/debug/setblockrate", SetBlockRate, HttpAccess.Admin);
        Map("POST", "/debug/freememory", FreeMemory, HttpAccess.Admin);

        var options = broker.Options;
        _auth = HttpAuthFilter.Create(HttpAuthModes.Parse(options.HttpAuth), options.HttpAuthTokens, broker.AuthClient, rules, broker.Logger);
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

        // After the TLS refusal: a client sent there retries over HTTPS before it sends any credentials.
        if (_auth is not null && !await _auth.AuthorizeAsync(ctx).ConfigureAwait(false)) return;

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
