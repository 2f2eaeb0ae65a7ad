using System.Reflection;

namespace Architecture.Tests.Projects;

/// <summary>
/// The folder holding NsqAspire.sln: found by walking up from the test binaries, or, when they are built elsewhere
/// (an artifacts path), from the project directory recorded at build time.
/// </summary>
internal static class RepositoryRoot
{
    private const string SolutionFile = "NsqAspire.sln";

    public static string Path { get; } = Find();

    private static string Find()
    {
        string? recorded = typeof(RepositoryRoot).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "ArchitectureTestsProjectDir")?.Value;
        foreach (string? start in new[] { AppContext.BaseDirectory, recorded })
        {
            for (var dir = start is null ? null : new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(System.IO.Path.Combine(dir.FullName, SolutionFile)))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException($"No {SolutionFile} above {AppContext.BaseDirectory} or {recorded}.");
    }
}
