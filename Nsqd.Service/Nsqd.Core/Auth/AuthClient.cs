using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Nsq.Protocol.Identify;
using Nsqd.Core.Infrastructure;

namespace Nsqd.Core.Auth;

/// <summary>
/// Spec §2.9: asks the <c>--auth-http-address</c> servers (starting at a random one, falling through on error) with
/// <c>GET /auth?common_name=&amp;remote_ip=&amp;secret=&amp;tls=</c> (or a JSON POST with <c>--auth-http-request-method=post</c>).
/// </summary>
internal sealed class AuthClient(NsqdOptions options) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { ConnectTimeout = options.HttpClientConnectTimeout })
    {
        Timeout = options.HttpClientRequestTimeout,
    };

    public bool Enabled => options.AuthHttpAddresses.Count > 0;

    /// <summary>Throws <see cref="AuthFailedException"/> when no server gives a valid answer.</summary>
    public async Task<AuthState> QueryAsync(string secret, string remoteIp, bool tls, string commonName)
    {
        var addresses = options.AuthHttpAddresses;
        var start = Random.Shared.Next(addresses.Count);
        Exception? last = null;
        for (var i = 0; i < addresses.Count; i++)
        {
            var address = addresses[(start + i) % addresses.Count];
            try
            {
                return await QueryOneAsync(address, secret, remoteIp, tls, commonName).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException or AuthFailedException or ArgumentException)
            {
                last = ex;
            }
        }
        throw new AuthFailedException(last?.Message ?? "no auth server");
    }

    private async Task<AuthState> QueryOneAsync(string address, string secret, string remoteIp, bool tls, string commonName)
    {
        var endpoint = address.Contains("://", StringComparison.Ordinal) ? address : $"http://{address}/auth";
        var tlsText = tls ? "true" : "false";
        using var request = options.AuthHttpRequestMethod == "post"
            ? new HttpRequestMessage(HttpMethod.Post, endpoint)
            {
                // Go's json.Marshal of the url.Values map: keys sorted, each value an array of strings.
                Content = JsonContent(
                    $"{{\"common_name\":[{GoEncoding.JsonQuote(commonName)}],\"remote_ip\":[{GoEncoding.JsonQuote(remoteIp)}],\"secret\":[{GoEncoding.JsonQuote(secret)}],\"tls\":[\"{tlsText}\"]}}"),
            }
            : new HttpRequestMessage(HttpMethod.Get,
                $"{endpoint}{(endpoint.Contains('?', StringComparison.Ordinal) ? "&" : "?")}common_name={GoEncoding.QueryEscape(commonName)}&remote_ip={GoEncoding.QueryEscape(remoteIp)}&secret={GoEncoding.QueryEscape(secret)}&tls={tlsText}");
        request.Headers.TryAddWithoutValidation("Accept", "application/vnd.nsq; version=1.0");
        using var response = await _http.SendAsync(request).ConfigureAwait(false);
        if ((int)response.StatusCode != 200) throw new AuthFailedException($"got response {(int)response.StatusCode}");
        var body = await response.Content.ReadFromJsonAsync(IdentifyJsonContext.Default.AuthServerResponse).ConfigureAwait(false)
            ?? throw new AuthFailedException("empty response");
        return Validate(body);
    }

    private static AuthState Validate(AuthServerResponse r)
    {
        if (r.Ttl <= 0) throw new AuthFailedException("invalid ttl");
        var grants = new List<AuthState.Grant>();
        foreach (var a in r.Authorizations ?? [])
        {
            var publish = false;
            var subscribe = false;
            foreach (var p in a.Permissions ?? [])
            {
                if (p == "publish") publish = true;
                else if (p == "subscribe") subscribe = true;
                else throw new AuthFailedException($"unknown permission {p}");
            }
            var channels = new List<Regex>();
            foreach (var c in a.Channels ?? []) channels.Add(Compile(c));
            grants.Add(new AuthState.Grant(Compile(a.Topic), channels, publish, subscribe));
        }
        return new AuthState(r.Identity, r.IdentityUrl, grants, Clock.NowMs + r.Ttl * 1000L);
    }

    private static ByteArrayContent JsonContent(string json)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(json));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        return content;
    }

    private static Regex Compile(string pattern) => new(pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);

    public void Dispose() => _http.Dispose();
}

/// <summary>The auth server could not be asked or gave an invalid answer (details are logged, not sent).</summary>
internal sealed class AuthFailedException(string message) : Exception(message);
