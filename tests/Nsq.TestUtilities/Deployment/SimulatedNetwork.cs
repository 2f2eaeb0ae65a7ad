using System.Globalization;

namespace Nsq.TestUtilities.Deployment;

/// <summary>What a command run inside the environment printed and how it ended.</summary>
public sealed record CommandResult(int ExitCode, string Output)
{
    public bool Succeeded => ExitCode == 0;
}

/// <summary>
/// A private network with its own DNS, built from unprivileged Linux namespaces: no Docker, no root. One user + mount +
/// net + pid namespace holds a bridge and an /etc/hosts (the environment's DNS); every sandbox (<see cref="AddSandboxAsync"/>)
/// gets a network namespace of its own plugged into the bridge, so several processes can listen on the same port as
/// separate container apps do. Commands run in the environment's own network (<see cref="RunAsync"/>): the place of
/// an operator's shell in the deployment. Disposing kills every process in it (they all live in its pid namespace).
/// </summary>
public sealed class SimulatedNetwork : IAsyncDisposable
{
    private const string Subnet = "10.89.0.";

    private readonly NamespacedProcess _holder;
    private readonly int _holderPid;
    private readonly List<NamespacedProcess> _processes = [];

    private SimulatedNetwork(string directory, NamespacedProcess holder, int holderPid)
    {
        Directory = directory;
        _holder = holder;
        _holderPid = holderPid;
    }

    /// <summary>Scratch space of this environment (host files, volumes, overlay layers); the caller owns it.</summary>
    public string Directory { get; }

    /// <summary>The environment's DNS, name → address; written before it starts (bind mounts see later writes too).</summary>
    public string HostsFile => Path.Combine(Directory, "hosts");

    internal string ForwarderScript => Path.Combine(Directory, "forwarder.py");

    /// <summary>
    /// Starts the environment. Fails with the reason and what a machine needs when user namespaces are not available:
    /// the deployment tests must fail there, never pass without having run.
    /// </summary>
    public static async Task<SimulatedNetwork> StartAsync(string directory, IEnumerable<(string Address, IEnumerable<string> Names)> hosts)
    {
        var lines = hosts.Select(h => $"{h.Address} {string.Join(' ', h.Names)}").Prepend("127.0.0.1 localhost");
        await File.WriteAllLinesAsync(Path.Combine(directory, "hosts"), lines).ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(directory, "forwarder.py"), SimulationScripts.Forwarder).ConfigureAwait(false);
        var holder = NamespacedProcess.Start(["unshare", "--user", "--map-root-user", "--mount", "--net", "--pid", "--fork",
            "--kill-child", "--mount-proc", "sh", "-c", SimulationScripts.Environment, "environment",
            Path.Combine(directory, "hosts"), Subnet + "1"]);
        try
        {
            await holder.WaitReadyAsync("the simulated deployment's namespaces (unshare --user --map-root-user --mount --net " +
                "--pid: the test needs unprivileged user namespaces, the ip command (iproute2), overlayfs and python3; on Ubuntu " +
                "24.04 allow them with sysctl kernel.apparmor_restrict_unprivileged_userns=0)", TimeSpan.FromSeconds(20))
                .ConfigureAwait(false);
        }
        catch
        {
            holder.Dispose();
            throw;
        }
        return new SimulatedNetwork(directory, holder, holder.ChildPid());
    }

    /// <summary>The address of the <paramref name="index"/>th sandbox on the bridge (10.89.0.2 on; .1 is the environment's own).</summary>
    public static string Address(int index) => Subnet + (index + 2).ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// A sandbox: a network namespace at <paramref name="address"/> with host name <paramref name="hostName"/>, the
    /// volumes mounted at their targets, a forwarder per (exposed, target) port pair. Returns its pid, for
    /// <see cref="StartInSandbox"/>.
    /// </summary>
    public async Task<int> AddSandboxAsync(string name, string address, string hostName,
        IEnumerable<(string Source, string Target)> volumes, IEnumerable<(int Exposed, int Target)> forwards)
    {
        var scratch = Path.Combine(Directory, name, "sandbox");
        System.IO.Directory.CreateDirectory(scratch);
        var veth = "v" + address[Subnet.Length..]; // bridge-side names must be unique and short (15 bytes)
        List<string> command = [.. Enter(_holderPid, "-U", "-m", "-n", "-p"), "unshare", "--mount", "--net", "--uts",
            "sh", "-c", SimulationScripts.Sandbox, name, address, veth, hostName, scratch];
        foreach (var (source, target) in volumes) command.AddRange([source, target]);
        command.Add("--");
        command.AddRange(forwards.Select(f => $"{f.Exposed}:{f.Target}"));
        var sandbox = Track(NamespacedProcess.Start(command, WithForwarder(null)));
        await sandbox.WaitReadyAsync($"the sandbox of {name}", TimeSpan.FromSeconds(20)).ConfigureAwait(false);
        return sandbox.ChildPid();
    }

    /// <summary>
    /// Starts a command in a sandbox with exactly <paramref name="environment"/>; <paramref name="appDirectory"/> (if any)
    /// becomes the command's folder, writable per start only, else <paramref name="workingDirectory"/> (if any) or a
    /// fresh one (<see cref="SimulationScripts.Start"/>).
    /// </summary>
    internal NamespacedProcess StartInSandbox(int sandboxPid, string scratch, string? appDirectory, string? workingDirectory,
        IEnumerable<string> command, IReadOnlyDictionary<string, string> environment)
    {
        System.IO.Directory.CreateDirectory(scratch);
        // The sandbox's root file system (where its volumes are mounted) and folder: a folder opened outside that root
        // would leave the process in a folder it cannot name.
        List<string> full = ["nsenter", "-t", sandboxPid.ToString(CultureInfo.InvariantCulture), "-U", "-m", "-n", "-u", "-p",
            "--root", "--wd", "unshare", "--mount",
            "sh", "-c", SimulationScripts.Start, "start", appDirectory ?? "", scratch, workingDirectory ?? "", .. command];
        return Track(NamespacedProcess.Start(full, environment));
    }

    /// <summary>
    /// Runs a shell command in the environment's network (its DNS, every resource reachable by name) and waits for it;
    /// <paramref name="environment"/> adds variables (values with quotes or secrets pass this way, not in the text).
    /// </summary>
    public async Task<CommandResult> RunAsync(string shellCommand, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null)
    {
        using var run = NamespacedProcess.Start([.. Enter(_holderPid, "-U", "-m", "-n", "-p"), "sh", "-c", shellCommand],
            WithForwarder(environment));
        try
        {
            await run.WaitForExitAsync(timeout).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return new CommandResult(-1, $"timed out after {timeout.TotalSeconds:F0} s: {shellCommand}\n{run.Output}");
        }
        run.Process.WaitForExit(); // drains the asynchronous output readers
        return new CommandResult(run.Process.ExitCode, run.Output);
    }

    /// <summary>Whether every host:port accepts a TCP connection from the environment's network; the answer names the others.</summary>
    public Task<CommandResult> ProbeAsync(IEnumerable<string> addresses) =>
        RunAsync("python3 \"$SIM_FORWARDER\" probe " + string.Join(' ', addresses), TimeSpan.FromSeconds(30));

    public async ValueTask DisposeAsync()
    {
        // pid 1 of the environment's pid namespace: when it dies the kernel kills every process in the namespace.
        await NamespacedProcess.SignalAsync(_holderPid, "KILL").ConfigureAwait(false);
        _holder.Dispose();
        lock (_processes)
        {
            foreach (var process in _processes) process.Dispose();
        }
    }

    private NamespacedProcess Track(NamespacedProcess process)
    {
        lock (_processes) _processes.Add(process);
        return process;
    }

    private Dictionary<string, string> WithForwarder(IReadOnlyDictionary<string, string>? extra)
    {
        var environment = System.Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "", StringComparer.Ordinal);
        environment["SIM_FORWARDER"] = ForwarderScript;
        foreach (var (key, value) in extra ?? new Dictionary<string, string>()) environment[key] = value;
        return environment;
    }

    /// <summary>nsenter into a process's namespaces as the namespace's root user, in / (the scripts choose their folder).</summary>
    private static string[] Enter(int pid, params string[] namespaces) =>
        ["nsenter", "-t", pid.ToString(CultureInfo.InvariantCulture), .. namespaces, "--wd=/"];
}
