namespace Docs.Tests;

/// <summary>Finds the checkout (the folder holding NsqAspire.sln) from the test's output folder, and the docs in it.</summary>
internal static class RepositoryFiles
{
    private static readonly Lazy<string> s_root = new(FindRoot);

    /// <summary>The checkout's root folder.</summary>
    public static string Root => s_root.Value;

    /// <summary>The markdown a user reads: README.md and every page under docs/, as paths relative to the root.</summary>
    public static IReadOnlyList<string> UserDocs()
    {
        var docs = Directory.EnumerateFiles(Path.Combine(Root, "docs"), "*.md", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(Root, p))
            .Order(StringComparer.Ordinal);
        // The packages' own READMEs are what a NuGet user reads first: their blocks compile too.
        var packages = Directory.EnumerateFiles(Path.Combine(Root, "Client.Sdk"), "README.md", SearchOption.AllDirectories)
            .Append(Path.Combine(Root, "AppHost", "NsqAspire.Hosting", "README.md"))
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(p => Path.GetRelativePath(Root, p))
            .Order(StringComparer.Ordinal);
        return ["README.md", .. docs, .. packages];
    }

    /// <summary>Markdown whose relative links must resolve: the user docs plus the tests' own README.</summary>
    public static IReadOnlyList<string> LinkedDocs() => [.. UserDocs(), "tests/README.md", "tests/Benchmarks/README.md"];

    private static string FindRoot()
    {
        // Walk up rather than hard-code a depth: the output folder differs between configurations and artifact layouts.
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "NsqAspire.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No NsqAspire.sln above {AppContext.BaseDirectory}");
    }
}
