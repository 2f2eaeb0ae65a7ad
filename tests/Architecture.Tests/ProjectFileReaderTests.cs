using Architecture.Tests.Projects;

namespace Architecture.Tests;

/// <summary>
/// The csproj reader on a small tree written for the test: both path separators, references declared in imported props
/// files, the kinds a csproj implies, and the folders a scan skips.
/// </summary>
public sealed class ProjectFileReaderTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "architecture-tests-" + Guid.NewGuid().ToString("N"));

    public ProjectFileReaderTests()
    {
        Write("Directory.Build.props", """
            <Project>
              <PropertyGroup><IsPackable>false</IsPackable></PropertyGroup>
            </Project>
            """);
        Write("Lib/Directory.Build.props", """
            <Project>
              <Import Project="$([MSBuild]::GetPathOfFileAbove('Directory.Build.props', '$(MSBuildThisFileDirectory)../'))" />
              <Import Project="$(MSBuildThisFileDirectory)Shared.props" />
            </Project>
            """);
        Write("Lib/Shared.props", """
            <Project>
              <PropertyGroup><IsPackable>true</IsPackable></PropertyGroup>
              <ItemGroup><PackageReference Include="Some.Analyzer" PrivateAssets="all" /></ItemGroup>
            </Project>
            """);
        Write("Lib/A/A.csproj", """
            <Project Sdk="Microsoft.NET.Sdk">
              <ItemGroup>
                <ProjectReference Include="..\..\App\B.csproj" />
                <ProjectReference Include="../../Tests/C.csproj" />
                <PackageReference Include="Some.Package" />
                <FrameworkReference Include="Microsoft.AspNetCore.App" />
              </ItemGroup>
            </Project>
            """);
        Write("App/B.csproj", """<Project Sdk="Microsoft.NET.Sdk.Web"></Project>""");
        Write("Tests/C.csproj", """
            <Project Sdk="Microsoft.NET.Sdk">
              <ItemGroup><PackageReference Include="Microsoft.NET.Test.Sdk" Condition="'$(Os)' == 'x'" /></ItemGroup>
            </Project>
            """);
        Write("Tests/bin/Release/Ghost.csproj", "<Project />");
        Write("node_modules/pkg/Ghost.csproj", "<Project />");
        Write(".hidden/Ghost.csproj", "<Project />");
    }

    [Fact]
    public void A_scan_reads_every_csproj_outside_build_output_and_tool_folders()
        => Assert.Equal(["App/B.csproj", "Lib/A/A.csproj", "Tests/C.csproj"], ProjectSet.Scan(_root).All.Select(p => p.RelativePath));

    [Fact]
    public void Project_references_resolve_alike_with_either_separator()
    {
        ProjectFile a = ProjectSet.Scan(_root).Find("A")!;
        Assert.Equal([new ProjectReference("B", "App/B.csproj"), new ProjectReference("C", "Tests/C.csproj")], a.ProjectReferences);
    }

    [Fact]
    public void Packages_declared_in_imported_props_count_and_say_where()
    {
        ProjectFile a = ProjectSet.Scan(_root).Find("A")!;
        Assert.Equal(
            [new PackageReference("Some.Analyzer", "Lib/Shared.props", IsPrivateAssetsAll: true), new PackageReference("Some.Package", "Lib/A/A.csproj", IsPrivateAssetsAll: false)],
            a.PackageReferences);
        Assert.Equal(["Microsoft.AspNetCore.App"], a.FrameworkReferences);
    }

    [Fact]
    public void Kinds_follow_properties_sdks_and_the_test_sdk()
    {
        ProjectSet set = ProjectSet.Scan(_root);
        Assert.Equal((false, false, true), Facts(set.Find("A")!));
        Assert.Equal((true, false, false), Facts(set.Find("B")!));
        Assert.Equal((false, true, false), Facts(set.Find("C")!));
        Assert.Equal(["B", "C"], set.Closure(set.Find("A")!).Select(p => p.Name));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static (bool Exe, bool Test, bool Packed) Facts(ProjectFile p) => (p.IsExecutable, p.IsTestProject, p.IsPacked);

    private void Write(string relativePath, string content)
    {
        string path = Path.Combine(_root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }
}
