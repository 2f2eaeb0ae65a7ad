using Admin.Web.Tests.Auth;
using Admin.Web.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Admin.Web.Tests.Browser;

/// <summary>A browser that signs in (HTTP Basic) sees the pages, and their live updates keep working through the gate.</summary>
[Collection(BrowserCollection.Name)]
public sealed class SignInPageTests(BrowserFixture fixture)
{
    [Fact]
    public async Task With_basic_credentials_the_topics_page_loads_and_follows_the_cluster()
    {
        await using var cluster = await TestCluster.StartAsync(lookups: 1, brokers: 1, configure: o => o.BasicAuthPassword = SignIn.Password);
        cluster.Http.DefaultRequestHeaders.Authorization = SignIn.Basic("admin", SignIn.Password);
        var topic = TestCluster.NewTopic("signedin");
        await TestCluster.PublishAsync(cluster.Brokers[0], topic, 2);
        await cluster.WaitForTopicAsync(topic);
        await using var anonymous = await fixture.Browser.NewContextAsync(new() { BaseURL = cluster.AdminUri.ToString() });
        await using var signedIn = await fixture.Browser.NewContextAsync(new()
        {
            BaseURL = cluster.AdminUri.ToString(),
            HttpCredentials = new HttpCredentials { Username = "admin", Password = SignIn.Password },
        });
        signedIn.SetDefaultTimeout(20_000);

        // Asked through the context's request API: headless Chromium turns an unanswered challenge into a navigation error.
        var refused = await anonymous.APIRequest.GetAsync("/");
        var page = await signedIn.NewPageAsync();
        var loaded = await page.GotoAsync("/");

        Assert.Equal(401, refused.Status);
        Assert.Equal(200, loaded!.Status);
        var row = page.Locator($"tr.total[data-topic='{topic}']");
        await Assertions.Expect(row.Locator("[data-field=messages]")).ToHaveTextAsync("2");
        // The script's own requests (the live regions) carry the credentials too.
        await TestCluster.PublishAsync(cluster.Brokers[0], topic, 3);
        await Assertions.Expect(row.Locator("[data-field=messages]")).ToHaveTextAsync("5");
    }
}
