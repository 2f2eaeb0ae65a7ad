using Architecture.Tests.Projects;

namespace Architecture.Tests.Rules;

/// <summary>
/// The allow-list table against the csproj files: every project has a row, is the kind its row says, and declares only
/// what its row allows. Each rule returns one line per violation, naming the project and the reference.
/// </summary>
internal static class ReferenceRules
{
    private const string Table = "tests/Architecture.Tests/Rules/AllowedReferences.cs";

    public static IEnumerable<string> ProjectsWithoutRow(ProjectSet set, IReadOnlyDictionary<string, ProjectRules> table)
        => set.All.Where(p => !table.ContainsKey(p.Name))
            .Select(p => $"{p.Name} ({p.RelativePath}) has no row in {Table}: add one with what it may reference.");

    public static IEnumerable<string> RowsNamingUnknownProjects(IReadOnlyDictionary<string, ProjectRules> table)
        => from row in table.Values
           from allowed in row.Projects
           where !table.ContainsKey(allowed)
           select $"The row of {row.Project} in {Table} allows {allowed}, which has no row of its own (a typo?).";

    public static IEnumerable<string> DuplicateNames(ProjectSet set)
        => set.All.GroupBy(p => p.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key} is the name of {g.Count()} projects ({string.Join(", ", g.Select(p => p.RelativePath))}); the table needs one.");

    public static IEnumerable<string> DanglingReferences(ProjectSet set)
    {
        var paths = set.All.Select(p => p.RelativePath).ToHashSet(StringComparer.Ordinal);
        return from project in set.All
               from reference in project.ProjectReferences
               where !paths.Contains(reference.RelativePath)
               select $"{project.Name} references {reference.RelativePath}, which is not a project of the repository.";
    }

    public static IEnumerable<string> WrongKinds(ProjectSet set, IReadOnlyDictionary<string, ProjectRules> table)
        => from project in set.All
           where table.ContainsKey(project.Name) && table[project.Name].Kind != KindOf(project)
           select $"{project.Name} is {KindOf(project)} by its csproj, but its row in {Table} says {table[project.Name].Kind}.";

    public static IEnumerable<string> DisallowedReferences(ProjectSet set, IReadOnlyDictionary<string, ProjectRules> table)
    {
        foreach (ProjectFile project in set.All)
        {
            if (!table.TryGetValue(project.Name, out ProjectRules? rules))
            {
                continue;
            }

            foreach (ProjectReference reference in project.ProjectReferences.Where(r => !rules.Projects.Contains(r.Name)))
            {
                yield return $"{project.Name} references project {reference.Name}, which its row in {Table} does not allow.";
            }

            foreach (PackageReference package in project.PackageReferences.Where(p => !rules.Packages.Contains(p.Id)))
            {
                yield return $"{project.Name} references package {package.Id} (in {package.DeclaredIn}), which its row in {Table} does not allow.";
            }

            foreach (string framework in project.FrameworkReferences.Where(f => !rules.Frameworks.Contains(f)))
            {
                yield return $"{project.Name} references framework {framework}, which its row in {Table} does not allow.";
            }
        }
    }

    /// <summary>What the csproj makes of a project: test SDK first (a test project is also an exe), then output, then packing.</summary>
    public static ProjectKind KindOf(ProjectFile project)
        => project.IsTestProject ? ProjectKind.TestProject
            : project.IsExecutable ? ProjectKind.Executable
            : project.IsPacked ? ProjectKind.PackedLibrary
            : ProjectKind.Library;
}
