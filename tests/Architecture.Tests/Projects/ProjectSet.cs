namespace Architecture.Tests.Projects;

/// <summary>
/// A set of csproj files and the project graph they declare: every csproj of the repository (<see cref="Repository"/>),
/// or a hand-made set in the rules' own tests.
/// </summary>
internal sealed class ProjectSet(IEnumerable<ProjectFile> projects)
{
    private static readonly string[] SkippedFolders = ["bin", "obj", "node_modules"];

    private static readonly Lazy<ProjectSet> LazyRepository = new(() => Scan(RepositoryRoot.Path));

    /// <summary>Every csproj below the folder holding NsqAspire.sln, read once per test run.</summary>
    public static ProjectSet Repository => LazyRepository.Value;

    public IReadOnlyList<ProjectFile> All { get; } = [.. projects.OrderBy(p => p.RelativePath, StringComparer.Ordinal)];

    /// <summary>Every csproj below <paramref name="root"/>; bin, obj, node_modules and hidden folders are skipped.</summary>
    public static ProjectSet Scan(string root)
        => new(FindProjectFiles(root).Select(file => ProjectFileReader.Read(file, root)));

    /// <summary>The project of that name, or null when no csproj of that name exists (yet).</summary>
    public ProjectFile? Find(string name) => All.FirstOrDefault(p => p.Name == name);

    /// <summary>
    /// Every project reachable from <paramref name="project"/> through project references (itself excluded); references
    /// to files that do not exist are skipped here (a rule of their own names them).
    /// </summary>
    public IReadOnlyList<ProjectFile> Closure(ProjectFile project)
    {
        var seen = new Dictionary<string, ProjectFile>(StringComparer.Ordinal);
        var pending = new Stack<ProjectFile>([project]);
        while (pending.TryPop(out ProjectFile? current))
        {
            foreach (ProjectReference reference in current.ProjectReferences)
            {
                if (Find(reference.Name) is { } target && target.Name != project.Name && seen.TryAdd(target.Name, target))
                {
                    pending.Push(target);
                }
            }
        }

        return [.. seen.Values.OrderBy(p => p.Name, StringComparer.Ordinal)];
    }

    private static IEnumerable<string> FindProjectFiles(string dir)
    {
        foreach (string file in Directory.EnumerateFiles(dir, "*.csproj"))
        {
            yield return file;
        }

        foreach (string sub in Directory.EnumerateDirectories(dir))
        {
            string name = Path.GetFileName(sub);
            if (!name.StartsWith('.') && !SkippedFolders.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                foreach (string file in FindProjectFiles(sub))
                {
                    yield return file;
                }
            }
        }
    }
}
