using System.Runtime.CompilerServices;

namespace Admin.Web.Tests.Infrastructure;

/// <summary>Where the browser tests save their screenshots: <c>TestResults/screenshots/</c> at the repository root
/// (ignored by git), found from this source file's location.</summary>
public static class Screenshots
{
    public static string Folder { get; } = Create();

    public static string PathOf(string name) => System.IO.Path.Combine(Folder, name + ".png");

    private static string Create([CallerFilePath] string source = "")
    {
        var root = System.IO.Path.GetFullPath(System.IO.Path.Combine(System.IO.Path.GetDirectoryName(source)!, "..", "..", ".."));
        if (!File.Exists(System.IO.Path.Combine(root, "NsqAspire.sln"))) root = AppContext.BaseDirectory;
        var folder = System.IO.Path.Combine(root, "TestResults", "screenshots");
        Directory.CreateDirectory(folder);
        return folder;
    }
}
