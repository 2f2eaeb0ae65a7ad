using Architecture.Tests.Projects;
using Architecture.Tests.Rules;

namespace Architecture.Tests;

/// <summary>
/// Each rule fires on a hand-made graph that breaks it, and names the project and the reference: the repository tests
/// passing then means the repository keeps the rule, not that the rule cannot fail.
/// </summary>
public class RuleSelfTests
{
    private static readonly IReadOnlyDictionary<string, ProjectRules> Table = AllowedReferences.ByProject;

    [Fact]
    public void A_project_without_a_row_is_named()
    {
        var set = new ProjectSet([Project("Nsq.Protocol"), Project("Nsq.Brand.New")]);
        Assert.Equal(["Nsq.Brand.New"], Names(ReferenceRules.ProjectsWithoutRow(set, Table)));
    }

    [Fact]
    public void A_row_without_a_csproj_is_fine()
    {
        var set = new ProjectSet([Project("Nsq.Protocol")]);
        Assert.Empty(ReferenceRules.ProjectsWithoutRow(set, Table));
        Assert.Empty(ReferenceRules.DisallowedReferences(set, Table));
    }

    [Fact]
    public void A_reference_outside_the_row_is_named_with_its_project()
    {
        var set = new ProjectSet([
            Project("Nsqd.Core", projects: ["Nsq.Protocol", "Admin.Core"], packages: ["Snappier", "Newtonsoft.Json"],
                frameworks: ["Microsoft.AspNetCore.App", "Microsoft.WindowsDesktop.App"]),
        ]);
        string[] found = [.. ReferenceRules.DisallowedReferences(set, Table)];
        Assert.Equal(3, found.Length);
        Assert.Contains(found, v => v.StartsWith("Nsqd.Core references project Admin.Core", StringComparison.Ordinal));
        Assert.Contains(found, v => v.StartsWith("Nsqd.Core references package Newtonsoft.Json", StringComparison.Ordinal));
        Assert.Contains(found, v => v.StartsWith("Nsqd.Core references framework Microsoft.WindowsDesktop.App", StringComparison.Ordinal));
    }

    [Fact]
    public void A_reference_to_a_missing_csproj_is_named()
    {
        var set = new ProjectSet([Project("Nsq.Client", projects: ["Nsq.Protocol"])]);
        Assert.Contains("Nsq.Client references Nsq.Protocol/Nsq.Protocol.csproj", Assert.Single(ReferenceRules.DanglingReferences(set)), StringComparison.Ordinal);
    }

    [Fact]
    public void A_project_of_another_kind_than_its_row_is_named()
    {
        var set = new ProjectSet([Project("Nsqd.Core", exe: true), Project("Nsq.Client", packed: true), Project("Nsq.TestUtilities", test: true)]);
        Assert.Equal(["Nsq.TestUtilities", "Nsqd.Core"], Names(ReferenceRules.WrongKinds(set, Table)));
    }

    [Fact]
    public void A_table_row_allowing_an_unknown_project_is_named()
    {
        var table = new Dictionary<string, ProjectRules>(Table) { ["Nsq.Client"] = Table["Nsq.Client"] with { Projects = new HashSet<string> { "Nsq.Protocoll" } } };
        Assert.Contains("allows Nsq.Protocoll", Assert.Single(ReferenceRules.RowsNamingUnknownProjects(table)), StringComparison.Ordinal);
    }

    [Fact]
    public void The_protocol_may_carry_build_only_analyzers_but_no_dependency()
    {
        var clean = new ProjectSet([Project("Nsq.Protocol", privatePackages: ["Microsoft.CodeAnalysis.PublicApiAnalyzers"])]);
        Assert.Empty(LayeringRules.BclOnlyProjectsReferenceNothing(clean));

        var dirty = new ProjectSet([
            Project("Nsq.Protocol", packages: ["Microsoft.CodeAnalysis.PublicApiAnalyzers"]),
            Project("Nsqd.DiskQueue", projects: ["Nsq.Protocol"], frameworks: ["Microsoft.AspNetCore.App"]),
        ]);
        string[] found = [.. LayeringRules.BclOnlyProjectsReferenceNothing(dirty)];
        Assert.Equal(3, found.Length);
        Assert.Contains(found, v => v.Contains("Nsq.Protocol is BCL only but references package Microsoft.CodeAnalysis.PublicApiAnalyzers", StringComparison.Ordinal));
        Assert.Contains(found, v => v.Contains("Nsqd.DiskQueue is BCL only but references project Nsq.Protocol", StringComparison.Ordinal));
        Assert.Contains(found, v => v.Contains("Nsqd.DiskQueue is BCL only but references framework Microsoft.AspNetCore.App", StringComparison.Ordinal));
    }

    [Fact]
    public void A_package_referencing_an_internal_project_is_named()
    {
        var set = new ProjectSet([Project("Nsq.Client", projects: ["NsqAspire.Daemon", "Nsq.Protocol"], packed: true),
            Project("NsqAspire.Daemon"), Project("Nsq.Protocol", packed: true)]);
        Assert.Contains("Nsq.Client ships as a package but references NsqAspire.Daemon", Assert.Single(LayeringRules.PackedProjectsReferenceOnlyPacked(set)), StringComparison.Ordinal);
    }

    [Fact]
    public void Test_projects_referencing_tests_or_executables_are_named_unless_the_row_says_why()
    {
        var set = new ProjectSet([
            Project("Nsq.Client.Tests", projects: ["Nsqd.Core.Tests", "Nsqd.Service"], test: true),
            Project("Nsqd.Core.Tests", test: true),
            Project("Nsqd.Service", exe: true),
            Project("AppHost.Tests", projects: ["NsqAspire.AppHost"], test: true),
            Project("NsqAspire.AppHost", exe: true),
        ]);
        Assert.Contains("Nsq.Client.Tests references the test project Nsqd.Core.Tests", Assert.Single(LayeringRules.NothingReferencesATestProject(set)), StringComparison.Ordinal);
        Assert.Contains("The test project Nsq.Client.Tests references the executable Nsqd.Service", Assert.Single(LayeringRules.TestProjectsReferenceNoExecutable(set, Table)), StringComparison.Ordinal);

        var withoutReason = new Dictionary<string, ProjectRules>(Table) { ["AppHost.Tests"] = Table["AppHost.Tests"] with { ExecutableReferenceReason = null } };
        Assert.Contains(LayeringRules.TestProjectsReferenceNoExecutable(set, withoutReason), v => v.Contains("AppHost.Tests references the executable NsqAspire.AppHost", StringComparison.Ordinal));
    }

    [Fact]
    public void A_library_referencing_an_executable_is_named()
    {
        var set = new ProjectSet([Project("Nsq.TestUtilities", projects: ["Nsq.CrashTest"]), Project("Nsq.CrashTest", exe: true)]);
        Assert.Contains("The library Nsq.TestUtilities references the executable Nsq.CrashTest", Assert.Single(LayeringRules.LibrariesReferenceNoExecutable(set)), StringComparison.Ordinal);
    }

    [Fact]
    public void The_sdk_reaching_AspNetCore_or_a_server_through_another_project_is_named()
    {
        var set = new ProjectSet([
            Project("Nsq.Client", projects: ["Nsq.Protocol", "Nsqd.Core"], packages: ["Microsoft.AspNetCore.Http.Abstractions"]),
            Project("Nsq.Protocol"),
            Project("Nsqd.Core", frameworks: ["Microsoft.AspNetCore.App"]),
        ]);
        string[] aspNet = [.. LayeringRules.SdkNeverReferencesAspNetCore(set)];
        Assert.Equal(2, aspNet.Length);
        Assert.Contains(aspNet, v => v.Contains("Nsq.Client depends on ASP.NET Core: it references Microsoft.AspNetCore.Http.Abstractions", StringComparison.Ordinal));
        Assert.Contains(aspNet, v => v.Contains("Nsq.Client depends on ASP.NET Core: through Nsqd.Core, which references Microsoft.AspNetCore.App", StringComparison.Ordinal));
        Assert.Contains("Nsq.Client references the server side: Nsqd.Core", Assert.Single(LayeringRules.SdkReferencesNoServer(set)), StringComparison.Ordinal);
    }

    [Fact]
    public void An_engine_reaching_the_service_defaults_an_exporter_or_another_engine_is_named()
    {
        var set = new ProjectSet([
            Project("Lookup.Core", projects: ["NsqAspire.Daemon", "Nsqd.DiskQueue"]),
            Project("NsqAspire.Daemon", packages: ["OpenTelemetry.Exporter.OpenTelemetryProtocol"]),
            Project("Admin.Core", projects: ["NsqAspire.ServiceDefaults", "Lookup.Core"]),
            Project("NsqAspire.ServiceDefaults"),
            Project("Nsqd.DiskQueue"),
        ]);
        string[] hosting = [.. LayeringRules.EnginesReferenceNoServiceDefaultsOrExporter(set)];
        Assert.Contains(hosting, v => v.StartsWith("The engine Lookup.Core depends on the telemetry exporter OpenTelemetry.Exporter.OpenTelemetryProtocol (declared by NsqAspire.Daemon)", StringComparison.Ordinal));
        Assert.Contains(hosting, v => v.StartsWith("The engine Admin.Core depends on the service defaults", StringComparison.Ordinal));

        string[] engines = [.. LayeringRules.EnginesReferenceNoOtherEngine(set)];
        Assert.Contains(engines, v => v.StartsWith("The engine Lookup.Core references Nsqd.DiskQueue", StringComparison.Ordinal));
        Assert.Contains(engines, v => v.StartsWith("The engine Admin.Core references Lookup.Core", StringComparison.Ordinal));
    }

    [Fact]
    public void A_rule_naming_a_project_that_is_gone_says_so()
        => Assert.Contains(LayeringRules.NamedProjectsMissing(new ProjectSet([Project("Nsq.Protocol")])),
            v => v.StartsWith("The layering rules name Nsqd.Core, but no Nsqd.Core.csproj exists", StringComparison.Ordinal));

    private static ProjectFile Project(string name, string[]? projects = null, string[]? packages = null, string[]? privatePackages = null,
        string[]? frameworks = null, bool exe = false, bool test = false, bool packed = false)
        => new(
            name,
            $"{name}/{name}.csproj",
            [.. (projects ?? []).Select(p => new ProjectReference(p, $"{p}/{p}.csproj"))],
            [.. (packages ?? []).Select(id => new PackageReference(id, $"{name}/{name}.csproj", IsPrivateAssetsAll: false)),
                .. (privatePackages ?? []).Select(id => new PackageReference(id, $"{name}/{name}.csproj", IsPrivateAssetsAll: true))],
            frameworks ?? [],
            exe,
            test,
            packed);

    // The project each violation starts with (the table rules name the project first).
    private static string[] Names(IEnumerable<string> violations) => [.. violations.Select(v => v.Split(' ')[0])];
}
