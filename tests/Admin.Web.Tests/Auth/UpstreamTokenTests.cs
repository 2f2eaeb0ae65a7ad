using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Admin.Web.Tests.Auth;

/// <summary>
/// The admin passes a Bearer token to nsqd and nsqlookupd (the request's own, else <c>--upstream-auth-token</c>), on its
/// actions, its reads and the YARP routes, and a refusal reaches the user as one; the real daemons check the tokens.
/// </summary>
public sealed class UpstreamTokenTests
{
    private const string ServiceToken = "svc-token";
    private const string UserToken = "user-token";

    private static async Task<string?> MessageOf(HttpResponseMessage res)
        => (await res.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("message").GetString();

    [Fact]
    public async Task The_service_token_replaces_the_admins_basic_credentials_on_actions_and_proxied_requests()
    {
        await using var cluster = await TokenCluster.StartAsync([ServiceToken], o =>
        {
            o.BasicAuthPassword = SignIn.Password;
            o.UpstreamAuthToken = ServiceToken;
        });
        using var http = SignIn.Client(cluster.AdminUri, SignIn.Basic("admin", SignIn.Password));
        var topic = TestCluster.NewTopic("svc");
        var proxiedTopic = TestCluster.NewTopic("svcproxy");

        using var created = await http.PostAsync("/api/topics", SignIn.Json($$"""{"topic":"{{topic}}"}"""));
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.Equal("", await MessageOf(created));
        using var paused = await http.PostAsync($"/api/topics/{topic}", SignIn.Json("""{"action":"pause"}"""));
        Assert.Equal(HttpStatusCode.OK, paused.StatusCode);
        Assert.True((await TestCluster.TopicStatsAsync(cluster.Broker.Server, topic))!.Value.GetProperty("paused").GetBoolean());

        await cluster.WaitForProxyAsync(http);
        using var proxied = await http.PostAsync($"/api/nsqd/{cluster.Node}/topic/create?topic={proxiedTopic}", null);
        Assert.Equal(HttpStatusCode.OK, proxied.StatusCode);
        Assert.NotNull(await TestCluster.TopicStatsAsync(cluster.Broker.Server, proxiedTopic));
    }

    [Fact]
    public async Task The_users_own_bearer_token_goes_upstream_instead_of_the_service_token()
    {
        // The admin's own token is one the broker refuses: only the user's can make these succeed.
        await using var cluster = await TokenCluster.StartAsync([UserToken], o => o.UpstreamAuthToken = "refused-token");
        using var user = SignIn.Client(cluster.AdminUri, new AuthenticationHeaderValue("Bearer", UserToken));
        using var anonymous = SignIn.Client(cluster.AdminUri);
        var topic = TestCluster.NewTopic("user");

        using var created = await user.PostAsync("/api/topics", SignIn.Json($$"""{"topic":"{{topic}}"}"""));
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        await cluster.WaitForProxyAsync(user);
        using var published = await user.PostAsync($"/api/nsqd/{cluster.Node}/pub?topic={topic}", new StringContent("hello"));
        Assert.Equal(HttpStatusCode.OK, published.StatusCode);
        Assert.Equal(1, (await TestCluster.TopicStatsAsync(cluster.Broker.Server, topic))!.Value.GetProperty("depth").GetInt64());

        using var refused = await anonymous.PostAsync($"/api/topics/{topic}", SignIn.Json("""{"action":"empty"}"""));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal($"UPSTREAM_UNAUTHORIZED: nsqd {cluster.Node}: 401 AUTH_FAILED", await MessageOf(refused));
        Assert.Equal(1, (await TestCluster.TopicStatsAsync(cluster.Broker.Server, topic))!.Value.GetProperty("depth").GetInt64());
    }

    [Fact]
    public async Task Without_any_token_the_upstreams_401_reaches_the_user()
    {
        await using var cluster = await TokenCluster.StartAsync([ServiceToken], o => o.BasicAuthPassword = SignIn.Password);
        using var http = SignIn.Client(cluster.AdminUri, SignIn.Basic("admin", SignIn.Password));
        var topic = TestCluster.NewTopic("none");

        using var action = await http.PostAsync("/api/topics", SignIn.Json($$"""{"topic":"{{topic}}"}"""));
        await cluster.WaitForProxyAsync(http);
        using var proxied = await http.PostAsync($"/api/nsqd/{cluster.Node}/topic/create?topic={topic}", null);

        Assert.Equal(HttpStatusCode.Forbidden, action.StatusCode);
        Assert.Equal($"UPSTREAM_UNAUTHORIZED: nsqd {cluster.Node}: 401 AUTH_REQUIRED", await MessageOf(action));
        // The proxy passes nsqd's own answer through; the admin's Basic credentials were not presented to it.
        Assert.Equal(HttpStatusCode.Unauthorized, proxied.StatusCode);
        Assert.Equal("AUTH_REQUIRED", await MessageOf(proxied));
        Assert.Null(await TestCluster.TopicStatsAsync(cluster.Broker.Server, topic));
    }

    [Fact]
    public async Task An_upstream_that_cannot_check_the_token_is_503_UPSTREAM_AUTH_UNAVAILABLE()
    {
        // An auth server nobody listens on: nsqd answers 503 AUTH_UNAVAILABLE for a token it does not know statically.
        await using var cluster = await TokenCluster.StartAsync([ServiceToken], o => o.UpstreamAuthToken = "unknown-token",
            configureBroker: b => b.AuthHttpAddresses = ["127.0.0.1:1"]);
        using var http = SignIn.Client(cluster.AdminUri);

        using var action = await http.PostAsync("/api/topics", SignIn.Json($$"""{"topic":"{{TestCluster.NewTopic("unavail")}}"}"""));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, action.StatusCode);
        Assert.Equal($"UPSTREAM_AUTH_UNAVAILABLE: nsqd {cluster.Node}: 503 AUTH_UNAVAILABLE", await MessageOf(action));
    }

    [Fact]
    public async Task Reads_of_a_closed_cluster_carry_the_token_and_fail_clearly_without_it()
    {
        await using var open = await TokenCluster.StartAsync([ServiceToken], o => o.UpstreamAuthToken = ServiceToken,
            configureBroker: b => b.HttpAuth = "all");
        await using var closed = await TokenCluster.StartAsync([ServiceToken], _ => { }, configureBroker: b => b.HttpAuth = "all");
        var topic = TestCluster.NewTopic("read");
        using (var direct = new HttpClient { BaseAddress = open.Broker.HttpUri })
        {
            direct.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ServiceToken);
            (await direct.PostAsync($"/topic/create?topic={topic}", null)).EnsureSuccessStatusCode();
        }
        using var toOpen = SignIn.Client(open.AdminUri);
        using var toClosed = SignIn.Client(closed.AdminUri);

        var topics = await toOpen.GetFromJsonAsync<JsonElement>("/api/topics");
        using var refused = await toClosed.GetAsync("/api/topics");
        using var page = await toClosed.GetAsync("/nodes");

        Assert.Contains(topic, topics.GetProperty("topics").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal($"UPSTREAM_UNAUTHORIZED: nsqd {closed.Node}: 401 AUTH_REQUIRED", await MessageOf(refused));
        Assert.Contains("401 AUTH_REQUIRED", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_service_token_reaches_the_lookup_on_actions_and_on_the_lookupd_route()
    {
        await using var cluster = await TokenCluster.StartAsync([ServiceToken], o =>
        {
            o.BasicAuthPassword = SignIn.Password;
            o.UpstreamAuthToken = ServiceToken;
        }, withLookup: true);
        using var http = SignIn.Client(cluster.AdminUri, SignIn.Basic("admin", SignIn.Password));
        var topic = TestCluster.NewTopic("lk");
        var proxiedTopic = TestCluster.NewTopic("lkproxy");

        using var created = await http.PostAsync("/api/topics", SignIn.Json($$"""{"topic":"{{topic}}"}"""));
        using var proxied = await http.PostAsync($"/api/lookupd/topic/create?topic={proxiedTopic}", null);

        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.Equal("", await MessageOf(created));
        Assert.Equal(HttpStatusCode.OK, proxied.StatusCode);
        using var direct = TestCluster.Direct(cluster.Lookup!);
        var names = (await direct.GetFromJsonAsync<JsonElement>("/topics")).GetProperty("topics").EnumerateArray().Select(t => t.GetString()).ToList();
        Assert.Contains(topic, names);
        Assert.Contains(proxiedTopic, names);
    }
}
