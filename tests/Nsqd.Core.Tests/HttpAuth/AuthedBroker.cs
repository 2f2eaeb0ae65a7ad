using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Nsqd.Core.Tests.Http;

namespace Nsqd.Core.Tests.HttpAuth;

/// <summary>
/// A broker with HTTP auth against a real (fake) auth server on loopback, and the secrets that server knows. Each
/// secret names what it grants: <c>pub-t</c> publishes on topic t, <c>sub-tc</c> subscribes on t/c, <c>admin</c> has
/// every topic and channel with both permissions, <c>nobody</c> is an identity with no authorizations, <c>broken</c>
/// makes the auth server fail (500); any other secret is refused (403).
/// </summary>
internal sealed class AuthedBroker : IAsyncDisposable
{
    public const string StaticToken = "static-token-1";

    private AuthedBroker(TestBroker broker, FakeAuthServer? auth)
    {
        Broker = broker;
        Auth = auth;
    }

    public TestBroker Broker { get; }
    public FakeAuthServer? Auth { get; }

    /// <summary>How many requests the auth server got.</summary>
    public int AuthRequests => Auth?.Requests.Count ?? 0;

    public static Dictionary<string, (int, string)> Secrets(int ttl = 3600) => new()
    {
        ["pub-t"] = FakeAuthServer.Grant("""[{"topic":"^t$","channels":[".*"],"permissions":["publish"]}]""", ttl),
        ["sub-tc"] = FakeAuthServer.Grant("""[{"topic":"^t$","channels":["^c$"],"permissions":["subscribe"]}]""", ttl),
        ["admin"] = FakeAuthServer.Grant("""[{"topic":".*","channels":[".*"],"permissions":["publish","subscribe"]}]""", ttl),
        ["nobody"] = FakeAuthServer.Grant("[]", ttl),
        ["broken"] = (500, "oops"),
    };

    /// <summary>A broker asking an auth server that knows <see cref="Secrets"/>.</summary>
    public static async Task<AuthedBroker> StartAsync(Action<NsqdOptions>? more = null, int ttl = 3600)
    {
        var auth = FakeAuthServer.BySecret(Secrets(ttl));
        var broker = await TestBroker.StartAsync(o =>
        {
            o.AuthHttpAddresses = [auth.Address];
            more?.Invoke(o);
        });
        return new AuthedBroker(broker, auth);
    }

    /// <summary>A broker configured by <paramref name="configure"/> alone (static tokens, an auth server that is down).</summary>
    public static async Task<AuthedBroker> StartWithoutAuthServerAsync(Action<NsqdOptions> configure)
        => new(await TestBroker.StartAsync(configure), null);

    /// <summary>Sends <paramref name="method"/> <paramref name="path"/> with <c>Authorization: Bearer secret</c> when a
    /// secret is given.</summary>
    public async Task<HttpResponseMessage> SendAsync(string method, string path, string? secret, string body = "")
    {
        using var http = Broker.HttpClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) };
        if (secret is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        return await http.SendAsync(request);
    }

    public async ValueTask DisposeAsync()
    {
        await Broker.DisposeAsync();
        if (Auth is not null) await Auth.DisposeAsync();
    }
}

/// <summary>The three refusals, checked to the byte (status, message, V1 header, challenge).</summary>
internal static class AuthAssert
{
    public static async Task RequiredAsync(HttpResponseMessage r)
    {
        await HttpAssert.ErrorAsync(r, HttpStatusCode.Unauthorized, "AUTH_REQUIRED");
        Assert.Equal("Bearer", Assert.Single(r.Headers.WwwAuthenticate).ToString());
    }

    public static async Task FailedAsync(HttpResponseMessage r)
    {
        await HttpAssert.ErrorAsync(r, HttpStatusCode.Unauthorized, "AUTH_FAILED");
        Assert.Equal("Bearer error=\"invalid_token\"", Assert.Single(r.Headers.WwwAuthenticate).ToString());
    }

    public static Task UnauthorizedAsync(HttpResponseMessage r) => HttpAssert.ErrorAsync(r, HttpStatusCode.Forbidden, "UNAUTHORIZED");

    public static Task UnavailableAsync(HttpResponseMessage r) => HttpAssert.ErrorAsync(r, HttpStatusCode.ServiceUnavailable, "AUTH_UNAVAILABLE");
}
