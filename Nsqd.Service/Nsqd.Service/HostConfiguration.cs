using Microsoft.Extensions.Configuration;

namespace Nsqd.Service;

/// <summary>
/// The configuration the command line is resolved against, read before the broker's web host exists: the same
/// appsettings files and environment variables the host will read, so <c>Nsqd__MemQueueSize</c> or an
/// <c>"Nsqd"</c> section in appsettings.json sits under the flags.
/// </summary>
internal static class HostConfiguration
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
