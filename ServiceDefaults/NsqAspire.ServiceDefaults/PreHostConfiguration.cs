using Microsoft.Extensions.Configuration;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The configuration a service's command line is resolved against, read before its web host exists: the same
/// appsettings files and environment variables the host will read (<c>Nsqd__MemQueueSize</c>, <c>Lookup__TcpAddress</c>,
/// Aspire's <c>ConnectionStrings__redis</c>), so they sit under the nsqd/nsqlookupd flags.
/// </summary>
public static class PreHostConfiguration
{
    public static IConfiguration Build()
    {
        // ASP.NET Core lets ASPNETCORE_ENVIRONMENT override DOTNET_ENVIRONMENT; mirror that.
        var environment = Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT")
            ?? Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT")
            ?? "Production";

        return new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddJsonFile($"appsettings.{environment}.json", optional: true)
            .AddEnvironmentVariables()
            .Build();
    }
}
