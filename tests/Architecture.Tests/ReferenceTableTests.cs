using Architecture.Tests.Projects;
using Architecture.Tests.Rules;

namespace Architecture.Tests;

/// <summary>
/// Every csproj of the repository against the allow-list (Rules/AllowedReferences.cs): read from the project files, so
/// a reference is caught where it is declared, whether or not any code uses it yet.
/// </summary>
public class ReferenceTableTests
{
    private static readonly ProjectSet Repository = ProjectSet.Repository;

    [Fact]
    public void The_repository_scan_finds_the_projects()
    {
        // Guards every other test here against passing on an empty scan (a wrong root, a changed layout).
        Assert.Contains(Repository.All, p => p.Name == "Nsq.Protocol");
        Assert.Contains(Repository.All, p => p.Name == "Architecture.Tests" && p.IsTestProject);
        Assert.True(Repository.All.Count >= 20, $"only {Repository.All.Count} csproj files found below {RepositoryRoot.Path}");
    }

    [Fact]
    public void Every_project_has_a_row_in_the_table()
        => Violations.AssertNone(ReferenceRules.ProjectsWithoutRow(Repository, AllowedReferences.ByProject));

    [Fact]
    public void Every_project_a_row_allows_has_a_row()
        => Violations.AssertNone(ReferenceRules.RowsNamingUnknownProjects(AllowedReferences.ByProject));

    [Fact]
    public void Project_names_are_unique()
        => Violations.AssertNone(ReferenceRules.DuplicateNames(Repository));

    [Fact]
    public void Every_project_reference_names_a_project_of_the_repository()
        => Violations.AssertNone(ReferenceRules.DanglingReferences(Repository));

    [Fact]
    public void Every_project_is_the_kind_its_row_says()
        => Violations.AssertNone(ReferenceRules.WrongKinds(Repository, AllowedReferences.ByProject));

    [Fact]
    public void Every_declared_reference_is_allowed_by_the_table()
        => Violations.AssertNone(ReferenceRules.DisallowedReferences(Repository, AllowedReferences.ByProject));
}
