using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Admin.Core;
using Admin.Core.Auth;

namespace Admin.Web.Tests.Auth;

/// <summary>An admin with <c>--basic-auth-password</c> (user "admin", who is also the one <c>--admin-user</c>) in front of
/// one lookup and one broker.</summary>
public sealed class SignInClusterFixture : IAsyncLifetime
{
    public TestCluster Cluster { get; private set; } = null!;

    public string Node => TestCluster.NodeKey(Cluster.Brokers[0]);

    public async Task InitializeAsync()
    {
        Cluster = await TestCluster.StartAsync(lookups: 1, brokers: 1, configure: o =>
        {
            o.BasicAuthPassword = SignIn.Password;
            o.AdminUsers = ["admin"];
        });
        // The cluster's own client signs in, so its waits (proxy, topics) work through the gate.
        Cluster.Http.DefaultRequestHeaders.Authorization = SignIn.Basic("admin", SignIn.Password);
        await Cluster.WaitForProxyAsync();
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

/// <summary>The Basic sign-in covers pages, the JSON API, assets and the YARP routes, and names the ACL user.</summary>
public sealed class BasicAuthTests(SignInClusterFixture fixture) : IClassFixture<SignInClusterFixture>
{
    // Pages, API, an asset, and both proxy routes ({node} is the broker's key).
    public static TheoryData<string> GatedPaths => ["/", "/nodes", "/topics/x", "/counter", "/static/admin.js", "/api/topics", "/api/nodes",
        "/api/rates?topic=x", "/api/nsqd/{node}/stats?format=json", "/api/nsqd/{node}/ping", "/api/lookupd/topics"];

    private Uri Admin => fixture.Cluster.AdminUri;

    private string PathOf(string template) => template.Replace("{node}", fixture.Node, StringComparison.Ordinal);

    [Theory]
    [MemberData(nameof(GatedPaths))]
    public async Task Anonymous_requests_are_401_with_the_basic_challenge(string path)
    {
        using var http = SignIn.Client(Admin);

        using var res = await http.GetAsync(PathOf(path));

        Assert.Equal(HttpStatusCode.Unauthorized, res.StatusCode);
        Assert.Equal(BasicAuthGate.Challenge, res.Headers.WwwAuthenticate.ToString());
        if (path.StartsWith("/api/", StringComparison.Ordinal))
            Assert.Equal("AUTH_REQUIRED", (await res.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("message").GetString());
    }

    [Theory]
    [MemberData(nameof(GatedPaths))]
    public async Task The_right_user_and_password_open_every_path(string path)
    {
        using var http = SignIn.Client(Admin, SignIn.Basic("admin", SignIn.Password));

        using var res = await http.GetAsync(PathOf(path));

        Assert.True(res.IsSuccessStatusCode, $"{path}: {(int)res.StatusCode} {await res.Content.ReadAsStringAsync()}");
    }

    [Theory]
    [InlineData("admin", "wrong")]
    [InlineData("admin", "")]
    [InlineData("root", SignIn.Password)]
    [InlineData("admin", SignIn.Password + "x")]
    public async Task A_wrong_user_or_password_is_401_AUTH_FAILED(string user, string password)
    {
        using var http = SignIn.Client(Admin, SignIn.Basic(user, password));

        using var api = await http.GetAsync("/api/topics");
        using var page = await http.GetAsync("/");
        using var proxied = await http.GetAsync($"/api/nsqd/{fixture.Node}/ping");

        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        Assert.Equal("AUTH_FAILED", (await api.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, page.StatusCode);
        Assert.Equal(BasicAuthGate.Challenge, page.Headers.WwwAuthenticate.ToString());
        Assert.Equal(HttpStatusCode.Unauthorized, proxied.StatusCode);
    }

    [Theory]
    [InlineData("Bearer some-token")]
    [InlineData("Basic not*base64")]
    [InlineData("Basic YWRtaW4=")] // "admin", no colon
    public async Task Other_or_malformed_credentials_are_401(string authorization)
    {
        using var http = SignIn.Client(Admin);
        http.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization);

        using var res = await http.GetAsync("/api/nodes");

        Assert.Equal(HttpStatusCode.Unauthorized, res.StatusCode);
    }

    [Fact]
    public async Task Ping_stays_open()
    {
        using var http = SignIn.Client(Admin);

        Assert.Equal("OK", await http.GetStringAsync("/ping"));
    }

    [Fact]
    public async Task The_signed_in_user_named_by_admin_user_may_act_whatever_the_acl_header_says()
    {
        var topic = TestCluster.NewTopic("signedin");
        using var http = SignIn.Client(Admin, SignIn.Basic("admin", SignIn.Password));
        // The header names someone --admin-user does not list: the signed-in name counts, not the header.
        http.DefaultRequestHeaders.Add("X-Forwarded-User", "mallory");

        using var res = await http.PostAsync("/api/topics", SignIn.Json($$"""{"topic":"{{topic}}"}"""));

        Assert.Equal(HttpStatusCode.OK, res.StatusCode);
        using var direct = TestCluster.Direct(fixture.Cluster.Lookups[0]);
        var topics = await direct.GetFromJsonAsync<JsonElement>("/topics");
        Assert.Contains(topic, topics.GetProperty("topics").EnumerateArray().Select(t => t.GetString()));
    }
}
