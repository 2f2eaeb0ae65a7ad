using System.Diagnostics;

namespace AppHost.Tests;

/// <summary>The AppHost's built dll run as a process from its own bin folder (same configuration as this test assembly).</summary>
internal static class AppHostRunner
{
    /// <summary><c>NsqAspire.AppHost --publisher manifest --output-path …</c>: the deployment manifest azd reads.</summary>
    public static Task PublishManifestAsync(string manifestPath) =>
        RunAsync(["--publisher", "manifest", "--output-path", manifestPath]);

    public static async Task RunAsync(string[] args)
    {
        var projectDir = Directory.Exists(Projects.NsqAspire_AppHost.ProjectPath)
            ? Projects.NsqAspire_AppHost.ProjectPath
            : Path.GetDirectoryName(Projects.NsqAspire_AppHost.ProjectPath)!;
#if DEBUG
        const string configuration = "Debug";
#else
        const string configuration = "Release";
#endif
        var dll = Path.Combine(projectDir, "bin", configuration, "net10.0", "NsqAspire.AppHost.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing: build AppHost/NsqAspire.AppHost first");
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = projectDir, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(dll);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(cts.Token);
        Assert.True(process.ExitCode == 0, $"AppHost exited {process.ExitCode}\n{await stdout}\n{await stderr}");
    }
}
