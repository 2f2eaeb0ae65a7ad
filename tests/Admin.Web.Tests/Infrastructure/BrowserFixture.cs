using Microsoft.Playwright;

namespace Admin.Web.Tests.Infrastructure;

/// <summary>
/// One headless Chromium (Debian's <c>/usr/bin/chromium</c>, never a downloaded browser) and one cluster for the browser
/// test collection; each test opens its own browser context.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private static readonly string[] s_args =
        ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"];

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;
    public TestCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"{ChromiumPath} is missing: the browser tests drive Debian's chromium (apt-get install chromium; ./test.sh installs it).");
        Assertions.SetDefaultExpectTimeout(15_000);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = s_args,
        });
        Cluster = await TestCluster.StartAsync();
    }

    /// <summary>A fresh context and page on the admin origin.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Cluster.AdminUri.ToString(),
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
        });
        // Generous: the machines running the suite are shared and can be heavily loaded.
        context.SetDefaultTimeout(20_000);
        return await context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        if (Cluster is not null) await Cluster.DisposeAsync();
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
