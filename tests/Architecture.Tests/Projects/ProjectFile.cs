namespace Architecture.Tests.Projects;

/// <summary>
/// What one csproj declares, read from the file and the repository's own props files it imports (not from an MSBuild
/// evaluation: the SDKs' implicit references are not declarations of ours).
/// </summary>
/// <param name="Name">The project name (the csproj file name), the key of the allow-list table.</param>
/// <param name="RelativePath">Path of the csproj from the repository root, '/' separated.</param>
/// <param name="ProjectReferences">Names of the referenced projects, with the path each resolved to.</param>
/// <param name="PackageReferences">Package ids, with where each is declared and whether it stays private (PrivateAssets all).</param>
/// <param name="FrameworkReferences">Shared frameworks named by FrameworkReference items.</param>
/// <param name="IsExecutable">OutputType Exe, or an SDK whose default output is an executable (Web, Worker, Aspire AppHost).</param>
/// <param name="IsTestProject">IsTestProject true, or it references the test SDK (Microsoft.NET.Test.Sdk).</param>
/// <param name="IsPacked">IsPackable is set to true: the project ships as a NuGet package.</param>
internal sealed record ProjectFile(
    string Name,
    string RelativePath,
    IReadOnlyList<ProjectReference> ProjectReferences,
    IReadOnlyList<PackageReference> PackageReferences,
    IReadOnlyList<string> FrameworkReferences,
    bool IsExecutable,
    bool IsTestProject,
    bool IsPacked)
{
    public override string ToString() => Name;
}

/// <summary>A ProjectReference: the referenced project's name and its csproj path from the root ('/' separated).</summary>
internal sealed record ProjectReference(string Name, string RelativePath);

/// <summary>A PackageReference: the package id, the file that declares it, and whether it flows to consumers.</summary>
internal sealed record PackageReference(string Id, string DeclaredIn, bool IsPrivateAssetsAll);
