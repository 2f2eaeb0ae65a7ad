using Architecture.Tests.Projects;
using Architecture.Tests.Rules;

namespace Architecture.Tests;

/// <summary>
/// The table itself keeps the layering rules: a graph in which every project declares all its row allows is checked
/// like the repository. A row that allows what a rule forbids fails here, before any csproj uses the allowance.
/// </summary>
public class TargetGraphTests
{
    private static readonly ProjectSet Allowed = new(AllowedReferences.ByProject.Values.Select(AsProject));

    public static TheoryData<string> Rules => new(LayeringRules.ByName.Keys.Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(Rules))]
    public void The_graph_the_table_allows_keeps_the_rule(string rule)
        => Violations.AssertNone(LayeringRules.ByName[rule](Allowed, AllowedReferences.ByProject));

    // Every package of a row counts as private (build-only analyzers are told apart by id, see LayeringRules).
    private static ProjectFile AsProject(ProjectRules row)
        => new(
            row.Project,
            $"{row.Project}/{row.Project}.csproj",
            [.. row.Projects.Order(StringComparer.Ordinal).Select(p => new ProjectReference(p, $"{p}/{p}.csproj"))],
            [.. row.Packages.Order(StringComparer.Ordinal).Select(id => new PackageReference(id, "the table", IsPrivateAssetsAll: true))],
            [.. row.Frameworks],
            IsExecutable: row.Kind == ProjectKind.Executable,
            IsTestProject: row.Kind == ProjectKind.TestProject,
            IsPacked: row.Kind == ProjectKind.PackedLibrary);
}
