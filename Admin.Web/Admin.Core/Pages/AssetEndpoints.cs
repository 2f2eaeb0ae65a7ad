using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Admin.Core.Pages;

/// <summary>Serves the one script and stylesheet embedded in this assembly (no CDN, nothing to deploy beside the binary).</summary>
internal static class AssetEndpoints
{
    public const string Script = "/static/admin.js";
    public const string Stylesheet = "/static/admin.css";

    public static void Map(IEndpointRouteBuilder app)
    {
        var js = Read("admin.js");
        var css = Read("admin.css");
        app.MapGet(Script, () => Results.Bytes(js, "text/javascript; charset=utf-8"));
        app.MapGet(Stylesheet, () => Results.Bytes(css, "text/css; charset=utf-8"));
    }

    private static byte[] Read(string name)
    {
        using var stream = typeof(AssetEndpoints).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"embedded asset {name} missing");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
