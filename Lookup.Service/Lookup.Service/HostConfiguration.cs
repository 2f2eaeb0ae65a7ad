using Microsoft.Extensions.Configuration;

namespace Lookup.Service;

/// <summary>The configuration the command line is resolved against, read before the web host exists: the same appsettings
/// files and environment variables the host reads (<c>Lookup__TcpAddress</c>, Aspire's <c>ConnectionStrings__redis</c>).</summary>
internal static class HostConfiguration
{
    public static IConfiguration Build()
    {
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
