using Architecture.Tests.Projects;

namespace Architecture.Tests.Rules;

/// <summary>
/// The rules every row of the table must keep, whatever it allows: what the layers may depend on. Each rule reads the
/// csproj facts (not the table's kinds) and returns one line per violation, naming the project and the reference.
/// </summary>
internal static class LayeringRules
{
    /// <summary>The wire layer and the disk queue: BCL only, by design (every other layer builds on them).</summary>
    public static readonly string[] BclOnly = ["Nsq.Protocol", "Nsqd.DiskQueue"];

    /// <summary>The client SDK packages a user references.</summary>
    public static readonly string[] Sdk = ["Nsq.Protocol", "Nsq.Client", "Nsq.Client.Grpc", "Nsq.Client.Hosting"];

    /// <summary>The daemons as libraries; their hosts (the .Service exes) add the service defaults.</summary>
    public static readonly string[] Engines = ["Nsqd.Core", "Lookup.Core", "Admin.Core"];

    private const string ServiceDefaults = "NsqAspire.ServiceDefaults";
    private const string AspNetCoreFramework = "Microsoft.AspNetCore.App";
    private const string TelemetryExporterPrefix = "OpenTelemetry.Exporter.";

    // Analyzers that run at build and ship nothing (PrivateAssets all): not a dependency of the BCL-only projects.
    private static readonly string[] BuildOnlyPackages = ["Microsoft.CodeAnalysis.PublicApiAnalyzers"];

    /// <summary>Every rule by name, for running them all over a graph (the table's own, in TargetGraphTests).</summary>
    public static IReadOnlyDictionary<string, Func<ProjectSet, IReadOnlyDictionary<string, ProjectRules>, IEnumerable<string>>> ByName { get; } =
        new Dictionary<string, Func<ProjectSet, IReadOnlyDictionary<string, ProjectRules>, IEnumerable<string>>>(StringComparer.Ordinal)
        {
            [nameof(NamedProjectsMissing)] = (set, _) => NamedProjectsMissing(set),
            [nameof(BclOnlyProjectsReferenceNothing)] = (set, _) => BclOnlyProjectsReferenceNothing(set),
            [nameof(PackedProjectsReferenceOnlyPacked)] = (set, _) => PackedProjectsReferenceOnlyPacked(set),
            [nameof(NothingReferencesATestProject)] = (set, _) => NothingReferencesATestProject(set),
            [nameof(TestProjectsReferenceNoExecutable)] = TestProjectsReferenceNoExecutable,
            [nameof(LibrariesReferenceNoExecutable)] = (set, _) => LibrariesReferenceNoExecutable(set),
            [nameof(SdkNeverReferencesAspNetCore)] = (set, _) => SdkNeverReferencesAspNetCore(set),
            [nameof(SdkReferencesNoServer)] = (set, _) => SdkReferencesNoServer(set),
            [nameof(EnginesReferenceNoServiceDefaultsOrExporter)] = (set, _) => EnginesReferenceNoServiceDefaultsOrExporter(set),
            [nameof(EnginesReferenceNoOtherEngine)] = (set, _) => EnginesReferenceNoOtherEngine(set),
        };

    public static IEnumerable<string> NamedProjectsMissing(ProjectSet set)
        => BclOnly.Concat(Sdk).Concat(Engines).Distinct().Where(name => set.Find(name) is null)
            .Select(name => $"The layering rules name {name}, but no {name}.csproj exists: rename the rule with the project.");

    public static IEnumerable<string> BclOnlyProjectsReferenceNothing(ProjectSet set)
    {
        foreach (ProjectFile project in Existing(set, BclOnly))
        {
            foreach (ProjectReference reference in project.ProjectReferences)
            {
                yield return $"{project.Name} is BCL only but references project {reference.Name}.";
            }

            foreach (PackageReference package in project.PackageReferences.Where(p => !IsBuildOnly(p)))
            {
                yield return $"{project.Name} is BCL only but references package {package.Id} (in {package.DeclaredIn}).";
            }

            foreach (string framework in project.FrameworkReferences)
            {
                yield return $"{project.Name} is BCL only but references framework {framework}.";
            }
        }
    }

    // A packed executable is a .NET tool (nsq): its package carries the assemblies it references, so they need no package.
    public static IEnumerable<string> PackedProjectsReferenceOnlyPacked(ProjectSet set)
        => from project in set.All
           where project.IsPacked && !project.IsExecutable
           from target in Targets(set, project)
           where !target.IsPacked
           select $"{project.Name} ships as a package but references {target.Name}, which does not: its users could not restore it.";

    public static IEnumerable<string> NothingReferencesATestProject(ProjectSet set)
        => from project in set.All
           from target in Targets(set, project)
           where target.IsTestProject
           select $"{project.Name} references the test project {target.Name}: share through Nsq.TestUtilities instead.";

    public static IEnumerable<string> TestProjectsReferenceNoExecutable(ProjectSet set, IReadOnlyDictionary<string, ProjectRules> table)
        => from project in set.All
           where project.IsTestProject
           from target in Targets(set, project)
           where target.IsExecutable && !target.IsTestProject
                 && table.GetValueOrDefault(project.Name)?.ExecutableReferenceReason is null
           select $"The test project {project.Name} references the executable {target.Name}: move what it tests into a library "
                  + "(or, where a tool truly needs the exe, give the reason in its row as ExecutableReferenceReason).";

    public static IEnumerable<string> LibrariesReferenceNoExecutable(ProjectSet set)
        => from project in set.All
           where !project.IsExecutable && !project.IsTestProject
           from target in Targets(set, project)
           where target.IsExecutable && !target.IsTestProject
           select $"The library {project.Name} references the executable {target.Name}.";

    public static IEnumerable<string> SdkNeverReferencesAspNetCore(ProjectSet set)
        => from project in Existing(set, Sdk)
           from part in set.Closure(project).Prepend(project)
           from reference in part.FrameworkReferences.Where(f => f == AspNetCoreFramework)
               .Concat(part.PackageReferences.Select(p => p.Id).Where(id => id.Contains("AspNetCore", StringComparison.OrdinalIgnoreCase)))
           select $"The SDK package {project.Name} depends on ASP.NET Core: {Via(project, part)} references {reference}.";

    public static IEnumerable<string> SdkReferencesNoServer(ProjectSet set)
        => from project in Existing(set, Sdk)
           from part in set.Closure(project)
           where Engines.Contains(part.Name) || part.Name is "Nsqd.DiskQueue" or "NsqAspire.Daemon" or ServiceDefaults
           select $"The SDK package {project.Name} references the server side: {part.Name}.";

    public static IEnumerable<string> EnginesReferenceNoServiceDefaultsOrExporter(ProjectSet set)
        => from engine in Existing(set, Engines)
           from part in set.Closure(engine).Prepend(engine)
           from problem in (part.Name == ServiceDefaults ? ["the service defaults"] : Array.Empty<string>())
               .Concat(part.PackageReferences.Where(p => p.Id.StartsWith(TelemetryExporterPrefix, StringComparison.OrdinalIgnoreCase))
                   .Select(p => $"the telemetry exporter {p.Id} (declared by {part.Name})"))
           select $"The engine {engine.Name} depends on {problem}: only its host (the .Service exe) exports telemetry.";

    /// <summary>Each engine stands alone: the broker, the lookup and the admin talk over the wire, never by reference.</summary>
    public static IEnumerable<string> EnginesReferenceNoOtherEngine(ProjectSet set)
        => from engine in Existing(set, Engines)
           from part in set.Closure(engine)
           where Engines.Contains(part.Name) || (engine.Name != "Nsqd.Core" && part.Name == "Nsqd.DiskQueue")
           select $"The engine {engine.Name} references {part.Name}: engines meet over the wire protocol, not by reference.";

    private static bool IsBuildOnly(PackageReference package)
        => package.IsPrivateAssetsAll && BuildOnlyPackages.Contains(package.Id, StringComparer.OrdinalIgnoreCase);

    private static IEnumerable<ProjectFile> Existing(ProjectSet set, IEnumerable<string> names)
        => names.Select(set.Find).OfType<ProjectFile>();

    private static IEnumerable<ProjectFile> Targets(ProjectSet set, ProjectFile project)
        => project.ProjectReferences.Select(r => set.Find(r.Name)).OfType<ProjectFile>();

    private static string Via(ProjectFile root, ProjectFile part) => part.Name == root.Name ? "it" : $"through {part.Name}, which";
}
