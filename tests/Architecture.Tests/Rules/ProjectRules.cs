namespace Architecture.Tests.Rules;

/// <summary>One row of the allow-list: what a project is and what it may declare.</summary>
/// <param name="Project">The project (csproj file) name.</param>
/// <param name="Kind">What it is; checked against what its csproj says.</param>
/// <param name="Projects">Projects it may reference.</param>
/// <param name="Packages">Packages it may reference (directly or through the repository's props files it imports).</param>
/// <param name="Frameworks">Shared frameworks it may reference.</param>
/// <param name="ExecutableReferenceReason">
/// Set only where a test project must reference an executable; says why, and the failure message repeats it.
/// </param>
internal sealed record ProjectRules(
    string Project,
    ProjectKind Kind,
    IReadOnlySet<string> Projects,
    IReadOnlySet<string> Packages,
    IReadOnlySet<string> Frameworks,
    string? ExecutableReferenceReason = null);
