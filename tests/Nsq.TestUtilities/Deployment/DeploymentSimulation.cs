namespace Nsq.TestUtilities.Deployment;

/// <summary>
/// A deployment manifest deployed the way azd deploys it to Azure Container Apps, on this machine: every compute
/// resource in its own sandbox on one private network (<see cref="SimulatedNetwork"/>), reachable by its resource name
/// (and its ingress names) on the same ports, with the manifest's arguments and environment resolved as azd resolves
/// them (<see cref="ManifestExpressions"/>) and each volume a folder that survives restarts. Projects run their build
/// output (<c>dotnet &lt;Name&gt;.dll</c>, the container's entrypoint), containers the image's command with the machine's
/// binary of the same name (<c>redis-server</c>).
/// </summary>
public sealed class DeploymentSimulation : IAsyncDisposable
{
    /// <summary>The environment's default domain (AZURE_CONTAINER_APPS_ENVIRONMENT_DEFAULT_DOMAIN); .example never resolves.</summary>
    public const string Domain = "deploysim.example";

    /// <summary>
    /// What the images the manifest may name run (their ENTRYPOINT/CMD, from the machine's PATH) and where (WORKDIR):
    /// the official redis image runs redis-server in /data, where it keeps its files.
    /// </summary>
    private static readonly Dictionary<string, (string Command, string WorkingDirectory)> Images = new(StringComparer.Ordinal)
    {
        ["redis"] = ("redis-server", "/data"),
    };

    private readonly SimulatedNetwork _network;
    private readonly Dictionary<string, SimulatedResource> _resources;

    private DeploymentSimulation(SimulatedNetwork network, ManifestExpressions expressions, Dictionary<string, SimulatedResource> resources)
    {
        _network = network;
        Expressions = expressions;
        _resources = resources;
    }

    public ManifestExpressions Expressions { get; }

    public SimulatedNetwork Network => _network;

    public IReadOnlyCollection<SimulatedResource> Resources => _resources.Values;

    public SimulatedResource this[string name] => _resources[name];

    /// <summary>
    /// Deploys <paramref name="manifest"/> into <paramref name="directory"/> (scratch, volumes; the caller deletes it) and
    /// waits until every endpoint of every resource accepts connections.
    /// </summary>
    public static async Task<DeploymentSimulation> StartAsync(DeploymentManifest manifest,
        IReadOnlyDictionary<string, string> parameters, string directory, TimeSpan readyTimeout)
    {
        var expressions = new ManifestExpressions(manifest, Domain, parameters);
        var compute = manifest.Compute.ToList();
        var addresses = new Dictionary<string, string>(StringComparer.Ordinal);
        // Addresses are known before the network exists, so the DNS (hosts file) is complete from the first process on.
        for (var i = 0; i < compute.Count; i++) addresses[compute[i].Name] = SimulatedNetwork.Address(i);
        var network = await SimulatedNetwork.StartAsync(directory,
            compute.Select(r => (addresses[r.Name], expressions.Ingress(r).HostNames))).ConfigureAwait(false);
        var resources = new Dictionary<string, SimulatedResource>(StringComparer.Ordinal);
        var simulation = new DeploymentSimulation(network, expressions, resources);
        try
        {
            foreach (var resource in compute)
            {
                var entrypoint = Entrypoint(resource);
                var command = entrypoint.Command.ToList();
                command.AddRange(resource.Args.Select(expressions.Resolve));
                var environment = BaseEnvironment(resource, directory);
                foreach (var (key, value) in resource.Env) environment[key] = expressions.Resolve(value);
                var simulated = new SimulatedResource(network, resource, addresses[resource.Name], entrypoint, command, environment);
                resources[resource.Name] = simulated;
                await simulated.CreateSandboxAsync(expressions.Ingress(resource).Forwards).ConfigureAwait(false);
            }
            // All at once, as azd's deployment does: the apps wait for their dependencies themselves.
            foreach (var resource in resources.Values) resource.Start();
            await simulation.WaitReadyAsync(readyTimeout).ConfigureAwait(false);
            return simulation;
        }
        catch
        {
            await simulation.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Waits until every binding of every resource accepts TCP connections at its resource name and target port.</summary>
    public async Task WaitReadyAsync(TimeSpan timeout, IEnumerable<SimulatedResource>? only = null)
    {
        var waited = (only ?? _resources.Values).ToList();
        var addresses = waited.SelectMany(r => r.Resource.Bindings.Select(b => $"{r.Name}:{Expressions.Ingress(r.Resource).TargetPort(b)}"))
            .ToList();
        CommandResult? last = null;
        await Poll.UntilAsync(async () =>
        {
            var stopped = waited.FirstOrDefault(r => !r.IsRunning);
            if (stopped is not null) throw new InvalidOperationException($"{stopped.Name} exited:\n{stopped.Output}");
            last = await _network.ProbeAsync(addresses).ConfigureAwait(false);
            return last.Succeeded;
        }, () => Task.FromResult($"every resource listening; not yet:\n{last?.Output}\n{Describe(waited)}"), timeout).ConfigureAwait(false);
    }

    /// <summary>Each resource's last output lines, for a failure message.</summary>
    public string Describe(IEnumerable<SimulatedResource>? resources = null) =>
        string.Join("\n", (resources ?? _resources.Values).Select(r => $"--- {r.Name} ({(r.IsRunning ? "running" : "exited")}):\n{Tail(r.Output, 15)}"));

    public async ValueTask DisposeAsync() => await _network.DisposeAsync().ConfigureAwait(false);

    /// <summary>What the container runs before the manifest's arguments, and where.</summary>
    private static ContainerEntrypoint Entrypoint(ManifestResource resource)
    {
        switch (resource.Kind)
        {
            case "project":
                return ProjectEntrypoint(resource.Path!);
            case "dockerfile" or "container" when resource.Dockerfile is { } dockerfile:
                return DockerfileEntrypoint(resource, dockerfile);
            case "container":
                var image = resource.StringProperty("image") ?? "";
                var known = Images.TryGetValue(image.Split(':')[0].Split('/')[^1], out var defaults);
                if (resource.StringProperty("entrypoint") is { Length: > 0 } entrypoint)
                    return new ContainerEntrypoint(null, known ? defaults.WorkingDirectory : null, [entrypoint]);
                return known ? new ContainerEntrypoint(null, defaults.WorkingDirectory, [defaults.Command])
                    : throw new NotSupportedException($"{resource.Name}: no local command for image {image}");
            default:
                throw new NotSupportedException($"{resource.Name}: resource type {resource.Type}");
        }
    }

    /// <summary>
    /// An image built from a project's own Dockerfile (dotnet publish into its WORKDIR): the project's build output
    /// stands in for the published folder, and the Dockerfile's exec-form ENTRYPOINT runs there.
    /// </summary>
    private static ContainerEntrypoint DockerfileEntrypoint(ManifestResource resource, string dockerfile)
    {
        var projects = Directory.GetFiles(Path.GetDirectoryName(dockerfile)!, "*.csproj");
        if (projects.Length != 1) throw new NotSupportedException($"{resource.Name}: no single project beside {dockerfile}");
        var project = ProjectEntrypoint(projects[0]);
        var entrypoint = File.ReadLines(dockerfile).LastOrDefault(l => l.StartsWith("ENTRYPOINT [", StringComparison.Ordinal));
        return entrypoint is null ? project
            : project with { Command = System.Text.Json.JsonSerializer.Deserialize<string[]>(entrypoint["ENTRYPOINT ".Length..])! };
    }

    private static ContainerEntrypoint ProjectEntrypoint(string csproj)
    {
        var name = Path.GetFileNameWithoutExtension(csproj);
        var bin = Path.Combine(Path.GetDirectoryName(csproj)!, "bin", RepositoryPaths.Configuration, "net10.0");
        var dll = Path.Combine(bin, name + ".dll");
        if (!File.Exists(dll)) throw new FileNotFoundException($"{dll} is missing: build {csproj} -c {RepositoryPaths.Configuration}", dll);
        return new ContainerEntrypoint(bin, null, ["dotnet", dll]);
    }

    /// <summary>
    /// The environment a container starts with before the manifest's: a .NET image's (ASPNETCORE_HTTP_PORTS=8080, in a
    /// container), a home of its own, and this machine's PATH (and DOTNET_ROOT) so the image's programs are found here.
    /// Nothing else of the test process leaks in.
    /// </summary>
    private static Dictionary<string, string> BaseEnvironment(ManifestResource resource, string directory)
    {
        var home = Path.Combine(directory, resource.Name, "home");
        Directory.CreateDirectory(home);
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = System.Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin",
            ["HOME"] = home,
        };
        if (System.Environment.GetEnvironmentVariable("DOTNET_ROOT") is { Length: > 0 } root) environment["DOTNET_ROOT"] = root;
        if (resource.Kind == "project" || resource.Dockerfile is not null)
        {
            environment["ASPNETCORE_HTTP_PORTS"] = AcaIngress.DefaultTargetPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
            environment["DOTNET_RUNNING_IN_CONTAINER"] = "true";
        }
        return environment;
    }

    private static string Tail(string text, int lines) => string.Join('\n', text.Split('\n').TakeLast(lines));
}

/// <summary>
/// How a container starts: in its app folder (a project's build output, writable per start only) or its image's working
/// folder, with the entrypoint the manifest's arguments follow.
/// </summary>
internal sealed record ContainerEntrypoint(string? AppDirectory, string? WorkingDirectory, IReadOnlyList<string> Command);
