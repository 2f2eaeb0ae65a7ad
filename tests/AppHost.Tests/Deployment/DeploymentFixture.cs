using Nsq.TestUtilities;
using Nsq.TestUtilities.Deployment;

namespace AppHost.Tests.Deployment;

/// <summary>
/// The AppHost's published manifest deployed once per test class into a simulated Azure Container Apps environment
/// (<see cref="DeploymentSimulation"/>): namespaces, no Docker. The secret parameters get values chosen here, as an
/// operator gives them to azd; generated ones (Redis's password) are made by the simulation.
/// </summary>
public sealed class DeploymentFixture : IAsyncLifetime
{
    public const string AuthTokenParameter = "nsq-auth-token";
    public const string AdminPasswordParameter = "nsqadmin-password";

    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(90);

    private readonly TempDirectory _directory = new("deploysim");
    private DeploymentSimulation? _simulation;

    public string AuthToken { get; } = "token-" + Guid.NewGuid().ToString("N");

    public string AdminPassword { get; } = "password-" + Guid.NewGuid().ToString("N");

    public DeploymentManifest Manifest { get; private set; } = null!;

    public DeploymentSimulation Simulation => _simulation ?? throw new InvalidOperationException("not deployed");

    /// <summary>The brokers, lookups and admin by the names the AppHost gives them.</summary>
    public string[] Brokers => Named("nsqd");

    public string[] Lookups => Named("nsqlookupd");

    /// <summary>The environment a check command gets: the <c>nsq</c> tool's build and the secrets (never in command text).</summary>
    public IReadOnlyDictionary<string, string> CommandEnvironment => new Dictionary<string, string>
    {
        ["NSQ_TOOL"] = RepositoryPaths.BuiltDaemon("Tools", "NsqAspire.Tools"),
        ["AUTH_TOKEN"] = AuthToken,
        ["ADMIN_PASSWORD"] = AdminPassword,
    };

    public async Task InitializeAsync()
    {
        var manifestPath = _directory.File("aspire-manifest.json");
        await AppHostRunner.PublishManifestAsync(manifestPath);
        Manifest = DeploymentManifest.Load(manifestPath);
        var environment = Path.Combine(_directory.Path, "environment");
        Directory.CreateDirectory(environment);
        _simulation = await DeploymentSimulation.StartAsync(Manifest, new Dictionary<string, string>
        {
            [AuthTokenParameter] = AuthToken,
            [AdminPasswordParameter] = AdminPassword,
        }, environment, ReadyTimeout);
    }

    /// <summary>Resolves a manifest expression as azd would (<c>{nsqd0.bindings.tcp.host}</c>).</summary>
    public string Resolve(string text) => Simulation.Expressions.Resolve(text);

    /// <summary>Runs a shell command in the environment's network, with <see cref="CommandEnvironment"/>.</summary>
    public Task<CommandResult> RunAsync(string command, TimeSpan timeout) =>
        Simulation.Network.RunAsync(command, timeout, CommandEnvironment);

    public async Task DisposeAsync()
    {
        if (_simulation is not null) await _simulation.DisposeAsync();
        _directory.Dispose();
    }

    private string[] Named(string prefix) =>
        [.. Manifest.Compute.Select(r => r.Name).Where(n => n.StartsWith(prefix, StringComparison.Ordinal))];
}
