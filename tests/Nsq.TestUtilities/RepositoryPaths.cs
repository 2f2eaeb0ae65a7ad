using System.Reflection;

namespace Nsq.TestUtilities;

/// <summary>Where the repository is, found from the test binaries' location, and the built daemons in it.</summary>
public static class RepositoryPaths
{
    /// <summary>
    /// The directory holding NsqAspire.sln: walking up from AppContext.BaseDirectory (binaries under the repository), else
    /// from this project's directory recorded at build time (binaries under an --artifacts-path elsewhere).
    /// </summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>
    /// The configuration these test binaries were built in (Release in CI, Debug locally): a daemon the tests start as a
    /// process is taken from the same configuration's output, which the solution build produces.
    /// </summary>
    public static string Configuration { get; } =
        typeof(RepositoryPaths).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    /// <summary>The built <c>Nsqd.Service.dll</c>; fails with what to build when it is not there.</summary>
    public static string NsqdServiceDll => BuiltDaemon("Nsqd.Service", "Nsqd.Service");

    /// <summary>
    /// <c>&lt;folder&gt;/&lt;project&gt;/bin/&lt;Configuration&gt;/net10.0/&lt;project&gt;.dll</c> under the repository root, or,
    /// when the tests were built with --artifacts-path, the same project's output beside theirs
    /// (<c>artifacts/bin/&lt;project&gt;/&lt;configuration&gt;/</c>).
    /// </summary>
    public static string BuiltDaemon(string folder, string project)
    {
        var dll = Path.Combine(RepoRoot, folder, project, "bin", Configuration, "net10.0", project + ".dll");
        var artifacts = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", project,
            Configuration.ToLowerInvariant(), project + ".dll"));
        foreach (var candidate in new[] { dll, artifacts })
            if (File.Exists(candidate)) return candidate;
        throw new FileNotFoundException(
            $"{dll} is missing: build it first (dotnet build NsqAspire.sln -c {Configuration}, or " +
            $"dotnet build {folder}/{project}/{project}.csproj -c {Configuration}).", dll);
    }

    private static string FindRepoRoot()
    {
        var built = typeof(RepositoryPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "TestUtilitiesProjectDir")?.Value;
        foreach (var start in new[] { AppContext.BaseDirectory, built, Directory.GetCurrentDirectory() })
        {
            if (string.IsNullOrEmpty(start) || !Directory.Exists(start)) continue;
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "NsqAspire.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"NsqAspire.sln not found above {AppContext.BaseDirectory}");
    }
}
