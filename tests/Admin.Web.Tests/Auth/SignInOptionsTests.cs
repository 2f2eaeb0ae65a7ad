using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Admin.Core;
using Microsoft.Extensions.Hosting;

namespace Admin.Web.Tests.Auth;

/// <summary>What the sign-in options change, each against an admin of its own: the probes of the hosted admin, the
/// ACL user under <c>--admin-user</c>, and no password at all.</summary>
public sealed class SignInOptionsTests
{
    [Fact]
    public async Task Probes_of_the_hosted_admin_stay_open_and_its_metrics_do_not()
    {
        var options = new AdminOptions { HttpAddress = "127.0.0.1:0", BasicAuthPassword = SignIn.Password };
        // Nothing listens there: the probes must not depend on the cluster.
        options.NsqdHttpAddresses.Add("127.0.0.1:1");
        await using var admin = AdminServer.Create(options, [], b => b.AddServiceDefaults(), app => app.MapDefaultEndpoints());
        await Task.Run(() => admin.StartAsync());
        using var http = SignIn.Client(new Uri($"http://127.0.0.1:{admin.HttpEndPoint.Port}"));

        foreach (var probe in new[] { "/ping", "/health", "/alive" })
        {
            using var res = await http.GetAsync(probe);
            Assert.True(res.StatusCode == HttpStatusCode.OK, $"{probe}: {(int)res.StatusCode}");
        }
        using var metrics = await http.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.Unauthorized, metrics.StatusCode);
    }

    [Fact]
    public async Task A_signed_in_user_that_admin_user_does_not_name_may_read_but_not_act()
    {
        await using var cluster = await TestCluster.StartAsync(lookups: 0, brokers: 1, configure: o =>
        {
            o.BasicAuthUser = "bob";
            o.BasicAuthPassword = SignIn.Password;
            o.AdminUsers = ["alice"];
        });
        var topic = TestCluster.NewTopic("denied");
        using var http = SignIn.Client(cluster.AdminUri, SignIn.Basic("bob", SignIn.Password));
        // Naming an admin user in the ACL header does not help a signed-in user who is not one.
        http.DefaultRequestHeaders.Add("X-Forwarded-User", "alice");

        using var read = await http.GetAsync("/api/topics");
        using var act = await http.PostAsync("/api/topics", SignIn.Json($$"""{"topic":"{{topic}}"}"""));

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, act.StatusCode);
        Assert.Equal("FORBIDDEN", (await act.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("message").GetString());
        Assert.Null(await TestCluster.TopicStatsAsync(cluster.Brokers[0], topic));
    }

    [Fact]
    public async Task Without_a_password_the_admin_is_anonymous_and_the_acl_header_names_the_user()
    {
        await using var cluster = await TestCluster.StartAsync(lookups: 0, brokers: 1, configure: o => o.AdminUsers = ["alice"]);
        await cluster.WaitForProxyAsync();
        var topic = TestCluster.NewTopic("anon");
        using var http = SignIn.Client(cluster.AdminUri);

        foreach (var path in new[] { "/", "/api/topics", $"/api/nsqd/{TestCluster.NodeKey(cluster.Brokers[0])}/ping" })
        {
            using var res = await http.GetAsync(path);
            Assert.True(res.StatusCode == HttpStatusCode.OK, $"{path}: {(int)res.StatusCode}");
            Assert.Empty(res.Headers.WwwAuthenticate);
        }
        using var denied = await http.PostAsync("/api/topics", SignIn.Json($$"""{"topic":"{{topic}}"}"""));
        http.DefaultRequestHeaders.Add("X-Forwarded-User", "alice");
        using var allowed = await http.PostAsync("/api/topics", SignIn.Json($$"""{"topic":"{{topic}}"}"""));

        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.NotNull(await TestCluster.TopicStatsAsync(cluster.Brokers[0], topic));
    }
}
