using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Nsq.Protocol.Identify;

namespace NsqAspire.Daemon.Auth;

/// <summary>
/// Spec §2.9: asks the <c>--auth-http-address</c> servers (starting at a random one, falling through on error) with
/// <c>GET /auth?common_name=&amp;remote_ip=&amp;secret=&amp;tls=</c> (or a JSON POST with <c>--auth-http-request-method=post</c>).
/// One client for nsqd's TCP AUTH and both daemons' HTTP auth.
/// </summary>
public sealed class AuthServerClient(AuthServerSettings settings) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { ConnectTimeout = settings.ConnectTimeout })
    {
        Timeout = settings.RequestTimeout,
    };

    /// <summary>True when at least one auth server is configured.</summary>
    public bool Enabled => settings.Addresses.Count > 0;

    /// <summary>Throws <see cref="AuthServerException"/> when no server gives a valid answer; it is
    /// <see cref="AuthServerException.Refused"/> when one of them turned the secret down.</summary>
    public async Task<AuthState> QueryAsync(string secret, string remoteIp, bool tls, string commonName)
    {
        var addresses = settings.Addresses;
        if (addresses.Count == 0) throw new AuthServerException("no auth server", refused: false);
        var start = Random.Shared.Next(addresses.Count);
        Exception? last = null;
        var refused = false;
        for (var i = 0; i < addresses.Count; i++)
        {
            var address = addresses[(start + i) % addresses.Count];
            try
            {
                return await QueryOneAsync(address, secret, remoteIp, tls, commonName).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException or AuthServerException or ArgumentException)
            {
                refused |= ex is AuthServerException { Refused: true };
                last = ex;
            }
        }
        throw new AuthServerException(last?.Message ?? "no auth server", refused);
    }

    private async Task<AuthState> QueryOneAsync(string address, string secret, string remoteIp, bool tls, string commonName)
    {
        var endpoint = address.Contains("://", StringComparison.Ordinal) ? address : $"http://{address}/auth";
        var tlsText = tls ? "true" : "false";
        using var request = settings.RequestMethod == "post"
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
        var status = (int)response.StatusCode;
        // A 4xx is the server's verdict on the secret; anything else that is not 200 means it could not decide.
        if (status != 200) throw new AuthServerException($"got response {status}", refused: status is >= 400 and < 500);
        var body = await response.Content.ReadFromJsonAsync(IdentifyJsonContext.Default.AuthServerResponse).ConfigureAwait(false)
            ?? throw new AuthServerException("empty response");
        return Validate(body);
    }

    private static AuthState Validate(AuthServerResponse r)
    {
        if (r.Ttl <= 0) throw new AuthServerException("invalid ttl");
        var grants = new List<AuthState.Grant>();
        foreach (var a in r.Authorizations ?? [])
        {
            var publish = false;
            var subscribe = false;
            foreach (var p in a.Permissions ?? [])
            {
                if (p == "publish") publish = true;
                else if (p == "subscribe") subscribe = true;
                else throw new AuthServerException($"unknown permission {p}");
            }
            var channels = new List<Regex>();
            foreach (var c in a.Channels ?? []) channels.Add(Compile(c));
            grants.Add(new AuthState.Grant(Compile(a.Topic), channels, publish, subscribe));
        }
        return new AuthState(r.Identity, r.IdentityUrl, grants, TimeSpan.FromSeconds(r.Ttl));
    }

    private static ByteArrayContent JsonContent(string json)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(json));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        return content;
    }

    private static Regex Compile(string pattern) => new(pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);

    /// <inheritdoc/>
    public void Dispose() => _http.Dispose();
}
