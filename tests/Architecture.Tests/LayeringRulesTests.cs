using Architecture.Tests.Projects;
using Architecture.Tests.Rules;

namespace Architecture.Tests;

/// <summary>
/// The layering the folder tree promises, on the project graph the csproj files declare: the wire protocol and the disk
/// queue depend on the BCL only, packages depend on packages, tests on libraries, engines on neither each other nor
/// the telemetry exporters of their hosts.
/// </summary>
public class LayeringRulesTests
{
    private static readonly ProjectSet Repository = ProjectSet.Repository;

    [Fact]
    public void The_projects_the_rules_name_exist()
        => Violations.AssertNone(LayeringRules.NamedProjectsMissing(Repository));

    [Fact]
    public void Protocol_and_disk_queue_reference_only_the_base_class_library()
        => Violations.AssertNone(LayeringRules.BclOnlyProjectsReferenceNothing(Repository));

    [Fact]
    public void Packed_libraries_reference_only_packed_projects()
        => Violations.AssertNone(LayeringRules.PackedProjectsReferenceOnlyPacked(Repository));

    [Fact]
    public void No_project_references_a_test_project()
        => Violations.AssertNone(LayeringRules.NothingReferencesATestProject(Repository));

    [Fact]
    public void Test_projects_reference_no_executable_unless_their_row_says_why()
        => Violations.AssertNone(LayeringRules.TestProjectsReferenceNoExecutable(Repository, AllowedReferences.ByProject));

    [Fact]
    public void Libraries_reference_no_executable()
        => Violations.AssertNone(LayeringRules.LibrariesReferenceNoExecutable(Repository));

    [Fact]
    public void Sdk_never_depends_on_AspNetCore()
        => Violations.AssertNone(LayeringRules.SdkNeverReferencesAspNetCore(Repository));

    [Fact]
    public void Sdk_references_the_protocol_and_no_server()
    {
        Assert.Contains(Repository.Closure(Repository.Find("Nsq.Client")!), p => p.Name == "Nsq.Protocol");
        Violations.AssertNone(LayeringRules.SdkReferencesNoServer(Repository));
    }

    [Fact]
    public void Engines_reference_neither_service_defaults_nor_telemetry_exporters()
        => Violations.AssertNone(LayeringRules.EnginesReferenceNoServiceDefaultsOrExporter(Repository));

    [Fact]
    public void Engines_reference_no_other_engine()
        => Violations.AssertNone(LayeringRules.EnginesReferenceNoOtherEngine(Repository));
}
