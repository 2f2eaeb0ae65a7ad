namespace Compat.Tests.Infrastructure;

/// <summary>Where the repository and the shared folder beside it are, found from the test binaries' location.</summary>
public static class RepoPaths
{
    /// <summary>
    /// The directory holding NsqAspire.sln: walking up from AppContext.BaseDirectory (binaries under the repository), else
    /// from the project directory recorded at build time (binaries under an --artifacts-path elsewhere).
    /// </summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>shared/ is a sibling of the repository (../shared from the root).</summary>
    public static string SharedTools => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "tools"));

    public static string NodeDir => Path.Combine(RepoRoot, "tests", "Compat.Tests", "node");

    private static string FindRepoRoot()
    {
        var built = typeof(RepoPaths).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "CompatTestsProjectDir")?.Value;
        foreach (var start in new[] { AppContext.BaseDirectory, built, Directory.GetCurrentDirectory() })
        {
            if (string.IsNullOrEmpty(start) || !Directory.Exists(start)) continue;
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "NsqAspire.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"NsqAspire.sln not found above {AppContext.BaseDirectory}");
    }
}
