using System.Text;
using System.Text.Json;
using Nsq.Protocol.Http;
using NsqAspire.Daemon.CommandLine;
using NsqAspire.Daemon.Http;

namespace Nsqd.Core.Http;

/// <summary>
/// Spec §3.2 <c>/config/:opt</c>. GET answers any option by config name; PUT changes the two runtime-settable ones,
/// <c>nsqlookupd_tcp_addresses</c> (a JSON array of <c>host:port</c>) and <c>log_level</c>, then answers the new value.
/// A PUT body must be 1..max-msg-size bytes (<c>413 INVALID_VALUE</c>) — checked before the option name, as nsqd does.
/// </summary>
internal sealed partial class NsqdHttpApi
{
    private static readonly ApiResult InvalidOption = ApiResult.Error(400, "INVALID_OPTION");

    private ValueTask<ApiResult> ConfigGet(ApiRequest req) => new(ConfigValue(req.RouteParam!));

    private async ValueTask<ApiResult> ConfigPutAsync(ApiRequest req)
    {
        var options = _broker.Options;
        string text;
        List<string>? addresses = null;
        using (var body = await RequestBody.ReadPooledAsync(req.Context.Request, options.MaxMsgSize).ConfigureAwait(false))
        {
            if (body.Length == 0 || body.Exceeded) return ApiResult.Error(413, "INVALID_VALUE");
            text = req.RouteParam == "log_level" ? Encoding.UTF8.GetString(body.Span) : "";
            if (req.RouteParam == "nsqlookupd_tcp_addresses")
            {
                try
                {
                    addresses = JsonSerializer.Deserialize(body.Span, NsqHttpJsonContext.Default.ListString) ?? [];
                }
                catch (JsonException)
                {
                    return ApiResult.Error(400, "INVALID_VALUE");
                }
                addresses = addresses.ConvertAll(a => a ?? ""); // Go leaves a JSON null element as ""
            }
        }

        switch (req.RouteParam)
        {
            case "nsqlookupd_tcp_addresses":
                options.LookupdTcpAddresses = addresses!;
                break;
            case "log_level":
                if (DaemonLogLevel.TryNormalize(text) is not { } level) return ApiResult.Error(400, "INVALID_VALUE");
                options.LogLevel = level;
                break;
            default:
                return InvalidOption;
        }
        _broker.NotifyOptionsChanged();
        return ConfigValue(req.RouteParam);
    }

    private ApiResult ConfigValue(string name)
        => ConfigOptions.TryGetJson(name, _broker.Options) is { } json ? ApiResult.Json(json) : InvalidOption;
}
