namespace Architecture.Tests.Rules;

/// <summary>
/// THE allow-list: every project of the repository, what it is, and what it may reference. A new project needs a row
/// here (the tests name a csproj without one); a new reference needs an entry in its project's row. A row whose csproj
/// does not exist is not an error, so the table can describe a project before it lands.
/// </summary>
internal static class AllowedReferences
{
    private const string AspNetCore = "Microsoft.AspNetCore.App";

    // Build-time only (PrivateAssets all), added to the packed libraries by Client.Sdk/Packaging.props.
    private const string PublicApiAnalyzers = "Microsoft.CodeAnalysis.PublicApiAnalyzers";

    // Every test project runs on xunit and may use the shared fixtures instead of another test project.
    private static readonly string[] TestPackages = ["Microsoft.NET.Test.Sdk", "xunit", "xunit.runner.visualstudio"];
    private const string TestUtilities = "Nsq.TestUtilities";

    public static IReadOnlyDictionary<string, ProjectRules> ByProject { get; } = new ProjectRules[]
    {
        // The wire layer and the SDK: NuGet packages, so they reference nothing internal (no host layer, no engine).
        Packed("Nsq.Protocol", projects: [], packages: [PublicApiAnalyzers]),
        Packed("Nsq.Client", projects: ["Nsq.Protocol"],
            packages: ["Microsoft.Extensions.Logging.Abstractions", "Snappier", PublicApiAnalyzers]),
        Packed("Nsq.Client.Grpc", projects: ["Nsq.Client"],
            packages: ["Grpc.Net.Client", "Google.Protobuf", "Grpc.Tools", PublicApiAnalyzers]),
        Packed("Nsq.Client.Hosting", projects: ["Nsq.Client"],
            packages: ["Microsoft.Extensions.DependencyInjection.Abstractions", "Microsoft.Extensions.Hosting.Abstractions",
                "Microsoft.Extensions.Options.ConfigurationExtensions", "Microsoft.Extensions.Diagnostics.HealthChecks",
                "OpenTelemetry.Extensions.Hosting", PublicApiAnalyzers]),
        Packed("NsqAspire.Hosting", projects: [],
            packages: ["Aspire.Hosting.Redis", "Polly.Core", "Nerdbank.MessagePack", PublicApiAnalyzers]),

        // The host layer the daemons share (internal, not packed), and the Aspire service defaults (telemetry export)
        // that the daemon hosts add on top of it.
        Library("NsqAspire.Daemon", projects: ["Nsq.Protocol"], packages: ["Tomlyn"], frameworks: [AspNetCore]),
        Library("NsqAspire.ServiceDefaults", projects: ["NsqAspire.Daemon"],
            packages: ["Microsoft.Extensions.Http.Resilience", "Microsoft.Extensions.ServiceDiscovery",
                "OpenTelemetry.Exporter.OpenTelemetryProtocol", "OpenTelemetry.Exporter.Prometheus.AspNetCore",
                "OpenTelemetry.Extensions.Hosting", "OpenTelemetry.Instrumentation.AspNetCore",
                "OpenTelemetry.Instrumentation.Http", "OpenTelemetry.Instrumentation.Runtime"],
            frameworks: [AspNetCore]),

        // The engines: libraries on the wire layer and the host layer; their thin hosts add the service defaults.
        Library("Nsqd.DiskQueue", projects: [], packages: []),
        Library("Nsqd.Core", projects: ["Nsq.Protocol", "Nsqd.DiskQueue", "NsqAspire.Daemon"], packages: ["Snappier"],
            frameworks: [AspNetCore]),
        Library("Lookup.Core", projects: ["Nsq.Protocol", "NsqAspire.Daemon"],
            packages: ["StackExchange.Redis", "System.IO.Hashing", "Grpc.AspNetCore"], frameworks: [AspNetCore]),
        Library("Admin.Core", projects: ["Nsq.Protocol", "NsqAspire.Daemon"],
            packages: ["Yarp.ReverseProxy", "Microsoft.Extensions.ServiceDiscovery.Yarp", "Microsoft.Extensions.Http.Resilience"],
            frameworks: [AspNetCore]),
        Executable("Nsqd.Service", projects: ["Nsqd.Core", "NsqAspire.Daemon", "NsqAspire.ServiceDefaults"], packages: ["Tomlyn"]),
        Executable("Lookup.Service", projects: ["Lookup.Core", "NsqAspire.Daemon", "NsqAspire.ServiceDefaults"], packages: ["Tomlyn"]),
        Executable("Admin.Service", projects: ["Admin.Core", "NsqAspire.Daemon", "NsqAspire.ServiceDefaults"], packages: ["Tomlyn"]),

        // The local cluster: Aspire's AppHost references the processes it starts (that is how Aspire names them).
        Executable("NsqAspire.AppHost",
            projects: ["Nsqd.Service", "Lookup.Service", "Admin.Service", "Nsq.Samples.Worker", "NsqAspire.Hosting"],
            packages: ["Aspire.Hosting.AppHost", "Polly.Core", "Nerdbank.MessagePack"]),
        Executable("Nsq.Samples.Worker", projects: ["Nsq.Client.Hosting", "NsqAspire.ServiceDefaults"], packages: []),

        // The operator tools (`nsq`, a packed .NET tool): the Go tools' flags on the daemons' flag machinery, the SDK.
        Executable("NsqAspire.Tools", projects: ["Nsq.Protocol", "Nsq.Client", "NsqAspire.Daemon"], packages: []),

        // Tools beside the tests: the micro-benchmarks, the kill -9 harness, and what the tests share.
        Executable("Nsq.Benchmarks", projects: ["Nsq.Protocol", "Nsqd.Core"], packages: ["BenchmarkDotNet"], frameworks: [AspNetCore]),
        Executable("Nsq.CrashTest", projects: ["Nsq.Protocol", TestUtilities], packages: []),
        Library(TestUtilities, projects: ["Nsq.Protocol", "Nsq.Client", "Nsqd.Core", "Lookup.Core", "Admin.Core"], packages: ["xunit"]),

        // Test projects.
        Test("Architecture.Tests", projects: []),
        Test("Nsq.Protocol.Tests", projects: ["Nsq.Protocol"]),
        Test("Nsqd.DiskQueue.Tests", projects: ["Nsqd.DiskQueue"]),
        // CommandLine/ tests the shared flag machinery of the host layer next to nsqd's flags.
        Test("Nsqd.Core.Tests", projects: ["Nsqd.Core", "NsqAspire.Daemon"]),
        Test("Lookup.Core.Tests", projects: ["Lookup.Core", "Nsqd.Core"], packages: ["Testcontainers.Redis", "Grpc.Net.Client"]),
        // The proxy tests run the admin with the service defaults (service discovery resolves the lookups), as its host does.
        Test("Admin.Web.Tests", projects: ["Admin.Core", "Nsqd.Core", "Lookup.Core", "NsqAspire.ServiceDefaults"], packages: ["Microsoft.Playwright"]),
        Test("Nsq.Client.Tests", projects: ["Nsq.Client", "Lookup.Core"]),
        Test("Nsq.Client.Grpc.Tests", projects: ["Nsq.Client.Grpc", "Lookup.Core"]),
        Test("Nsq.Client.Hosting.Tests", projects: ["Nsq.Client.Hosting", "Lookup.Core"], frameworks: [AspNetCore]),
        // Runs the built `nsq` tool as a process (no reference to the executable), against in-process brokers.
        Test("NsqAspire.Tools.Tests", projects: ["Nsq.Client"]),
        Test("Compat.Tests", projects: ["Nsqd.Core", "Lookup.Core", "Nsq.Client"]),
        // Compiles the docs' snippets against what a user references (the SDK packages, the service defaults) and runs
        // them against an in-process broker.
        Test("Docs.Tests",
            projects: ["Nsq.Protocol", "Nsq.Client", "Nsq.Client.Hosting", "Nsq.Client.Grpc", "NsqAspire.Hosting",
                "NsqAspire.ServiceDefaults", "Nsqd.Core"],
            packages: ["Microsoft.CodeAnalysis.CSharp"], frameworks: [AspNetCore]),
        Test("AppHost.Tests", projects: ["NsqAspire.AppHost", "Nsq.Protocol", "NsqAspire.Tools"],
            packages: ["Aspire.Hosting.Testing", "Polly.Extensions", "Polly.Core", "Nerdbank.MessagePack"],
            executableReferenceReason: "Aspire's DistributedApplicationTestingBuilder.CreateAsync<Projects.NsqAspire_AppHost> "
                + "starts the AppHost from the project reference (its generated Projects metadata); the nsq tool is "
                + "referenced without its assembly so it is built before the deployment simulation runs it in the environment"),
    }.ToDictionary(r => r.Project, StringComparer.Ordinal);

    private static ProjectRules Packed(string project, string[] projects, string[] packages)
        => new(project, ProjectKind.PackedLibrary, Set(projects), Set(packages), Set([]));

    private static ProjectRules Library(string project, string[] projects, string[] packages, string[]? frameworks = null)
        => new(project, ProjectKind.Library, Set(projects), Set(packages), Set(frameworks ?? []));

    private static ProjectRules Executable(string project, string[] projects, string[] packages, string[]? frameworks = null)
        => new(project, ProjectKind.Executable, Set(projects), Set(packages), Set(frameworks ?? []));

    private static ProjectRules Test(string project, string[] projects, string[]? packages = null, string[]? frameworks = null,
        string? executableReferenceReason = null)
        => new(project, ProjectKind.TestProject, Set([.. projects, TestUtilities]), Set([.. TestPackages, .. packages ?? []]),
            Set(frameworks ?? []), executableReferenceReason);

    // Package ids are case-insensitive (NuGet); project names are file names, compared as written.
    private static HashSet<string> Set(string[] names) => new(names, StringComparer.OrdinalIgnoreCase);
}
