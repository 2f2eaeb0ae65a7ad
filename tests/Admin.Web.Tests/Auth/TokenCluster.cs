using Admin.Core;
using Lookup.Core;
using Nsqd.Core;

namespace Admin.Web.Tests.Auth;

/// <summary>
/// A broker (and optionally a lookup it registers with) that require Bearer tokens (<c>--http-auth-token</c>), with an
/// admin in front: the real daemons decide whether the token the admin passed on is good.
/// </summary>
internal sealed class TokenCluster : IAsyncDisposable
{
    private TestBroker? _broker;
    private LookupServer? _lookup;
    private AdminServer? _admin;

    public TestBroker Broker => _broker!;
    public LookupServer? Lookup => _lookup;
    public AdminServer Admin => _admin!;
    public Uri AdminUri => new($"http://127.0.0.1:{Admin.HttpEndPoint.Port}");
    public string Node => $"127.0.0.1:{Broker.Http.Port}";

    /// <summary>Starts the daemons accepting <paramref name="tokens"/>; the admin reads the lookup when
    /// <paramref name="withLookup"/>, else the broker directly.</summary>
    public static Task<TokenCluster> StartAsync(string[] tokens, Action<AdminOptions> configureAdmin, bool withLookup = false,
        Action<NsqdOptions>? configureBroker = null)
        => Task.Run(async () =>
        {
            var cluster = new TokenCluster();
            try
            {
                if (withLookup)
                {
                    cluster._lookup = await TestLookup.StartServerAsync(o =>
                    {
                        o.BroadcastAddress = "127.0.0.1";
                        o.HttpAuthTokens = [.. tokens];
                    });
                }
                cluster._broker = await TestBroker.StartAsync(o =>
                {
                    o.HttpAuthTokens = [.. tokens];
                    if (cluster._lookup is { } l) o.LookupdTcpAddresses = [$"127.0.0.1:{l.TcpEndPoint.Port}"];
                    configureBroker?.Invoke(o);
                });
                var options = new AdminOptions
                {
                    HttpAddress = "127.0.0.1:0",
                    RateInterval = TimeSpan.FromMilliseconds(250),
                    ProxyHealthInterval = TimeSpan.FromMilliseconds(300),
                    HttpClientConnectTimeout = TimeSpan.FromSeconds(1),
                };
                if (cluster._lookup is { } lookup) options.LookupdHttpAddresses.Add($"127.0.0.1:{lookup.HttpEndPoint.Port}");
                else options.NsqdHttpAddresses.Add(cluster.Node);
                configureAdmin(options);
                cluster._admin = AdminServer.Create(options);
                await cluster._admin.StartAsync();
                return cluster;
            }
            catch
            {
                await cluster.DisposeAsync();
                throw;
            }
        });

    /// <summary>Until the admin's nsqd route reaches the broker (its node list comes from the sampler).</summary>
    public Task WaitForProxyAsync(HttpClient signedIn) => TestLookup.WaitForAsync(async () =>
    {
        using var res = await signedIn.GetAsync($"/api/nsqd/{Node}/ping");
        return res.IsSuccessStatusCode;
    }, "the proxy routes to the broker");

    public async ValueTask DisposeAsync()
    {
        if (_admin is not null) await _admin.DisposeAsync();
        if (_broker is not null) await _broker.DisposeAsync();
        if (_lookup is not null) await _lookup.DisposeAsync();
    }
}
