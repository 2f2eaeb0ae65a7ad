namespace Nsq.TestUtilities.Deployment;

/// <summary>
/// One compute resource of the manifest as a container app: a sandbox (network, host name, volumes, ingress) that lives
/// as long as the deployment, and the resource's process, started with exactly the manifest's arguments and
/// environment (resolved) and restartable on the same sandbox and volumes.
/// </summary>
public sealed class SimulatedResource
{
    /// <summary>What a platform gives a container between SIGTERM and SIGKILL (Azure Container Apps: 30 s).</summary>
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(30);

    private readonly SimulatedNetwork _network;
    private readonly string _scratch;
    private readonly string? _appDirectory;
    private readonly string? _workingDirectory;
    private readonly IReadOnlyList<string> _command;
    private readonly IReadOnlyDictionary<string, string> _environment;
    private int _sandboxPid;
    private int _starts;
    private NamespacedProcess? _process;

    internal SimulatedResource(SimulatedNetwork network, ManifestResource resource, string address, ContainerEntrypoint entrypoint,
        IReadOnlyList<string> command, IReadOnlyDictionary<string, string> environment)
    {
        _network = network;
        Resource = resource;
        Address = address;
        _appDirectory = entrypoint.AppDirectory;
        _workingDirectory = entrypoint.WorkingDirectory;
        _command = command;
        _environment = environment;
        _scratch = Path.Combine(network.Directory, resource.Name);
    }

    public ManifestResource Resource { get; }

    public string Name => Resource.Name;

    public string Address { get; }

    /// <summary>The command line the process runs (after the image's entrypoint or <c>dotnet app.dll</c>).</summary>
    public IReadOnlyList<string> Command => _command;

    /// <summary>The process's whole environment.</summary>
    public IReadOnlyDictionary<string, string> Environment => _environment;

    /// <summary>Where a volume's data lives on this machine: the folder the sandbox mounts at the volume's target.</summary>
    public string VolumeDirectory(ManifestVolume volume) => Path.Combine(_network.Directory, "volumes", Name, volume.Name);

    /// <summary>The process's last output lines, for failure messages.</summary>
    public string Output => _process?.Output ?? "(not started)";

    public bool IsRunning => _process is { HasExited: false };

    internal async Task CreateSandboxAsync(IEnumerable<(int Exposed, int Target)> forwards)
    {
        var volumes = Resource.Volumes.Select(v =>
        {
            var source = VolumeDirectory(v);
            Directory.CreateDirectory(source);
            return (source, v.Target);
        }).ToList();
        // A replica's host name, as the platform gives it: not the app's name, and nobody else resolves it.
        var hostName = $"{Name}--sim{Guid.NewGuid().ToString("N")[..7]}";
        _sandboxPid = await _network.AddSandboxAsync(Name, Address, hostName, volumes, forwards).ConfigureAwait(false);
    }

    /// <summary>Starts the process (again), on a fresh container file system.</summary>
    public void Start()
    {
        if (IsRunning) throw new InvalidOperationException($"{Name} is running");
        var scratch = Path.Combine(_scratch, $"start{++_starts}");
        _process = _network.StartInSandbox(_sandboxPid, scratch, _appDirectory, _workingDirectory, _command, _environment);
    }

    /// <summary>Stops the process as the platform does: SIGTERM, then SIGKILL after the grace period.</summary>
    public async Task StopAsync()
    {
        if (_process is null || _process.HasExited) return;
        // nsenter forked the process that became the app (unshare and sh exec into it).
        await NamespacedProcess.SignalAsync(_process.ChildPid(), "TERM").ConfigureAwait(false);
        try
        {
            await _process.WaitForExitAsync(StopGrace).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _process.Dispose();
        }
    }

    /// <summary>A restart of the container app's replica: stop, then the same command, environment and volumes.</summary>
    public async Task RestartAsync()
    {
        await StopAsync().ConfigureAwait(false);
        Start();
    }
}
