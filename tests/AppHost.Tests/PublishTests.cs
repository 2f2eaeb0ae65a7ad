using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;

namespace AppHost.Tests;

/// <summary>
/// Deployment shape, without Docker or azd: the AppHost's publish-mode manifest (what azd consumes) names every service
/// and endpoint and carries nothing from this machine, and azure.yaml points azd at the AppHost. Plus the AppHost's
/// parameters, checked on the application model without starting anything.
/// </summary>
public sealed class PublishTests
{
    private static readonly string RepoRoot = FindRepoRoot();

    /// <summary>Runs <c>NsqAspire.AppHost --publisher manifest --output-path …</c> (the README's command, on the built dll).</summary>
    [Fact]
    public async Task Manifest_describes_a_working_protected_cluster()
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "manifest-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var manifestPath = Path.Combine(dir, "aspire-manifest.json");
            await AppHostRunner.PublishManifestAsync(manifestPath);

            var text = await File.ReadAllTextAsync(manifestPath);
            using var manifest = JsonDocument.Parse(text);
            var resources = manifest.RootElement.GetProperty("resources");

            string[] brokers = ["nsqd0", "nsqd1", "nsqd2"];
            string[] lookups = ["nsqlookupd0", "nsqlookupd1"];
            foreach (var name in brokers) AssertBrokerContainer(resources, dir, name);
            foreach (var name in lookups) AssertProject(resources, dir, name, "Lookup.Service.csproj", ["tcp", "http", "grpc"]);

            // Published, the lookups' store is Aspire's Redis container (azd deploys it as a container app), its data on
            // a named volume.
            var redis = resources.GetProperty("redis");
            Assert.StartsWith("container.", redis.GetProperty("type").GetString(), StringComparison.Ordinal);
            Assert.True(redis.GetProperty("bindings").TryGetProperty("tcp", out var redisTcp), "redis has no tcp binding");
            Assert.Equal("tcp", redisTcp.GetProperty("scheme").GetString()); // azd refuses any scheme but tcp, http, https
            Assert.Contains("{redis.bindings.tcp.host}", redis.GetProperty("connectionString").GetString(), StringComparison.Ordinal);
            Assert.Contains(("redis-data", "/data"), Volumes(redis));
            foreach (var name in lookups)
            {
                Assert.Equal("{redis.connectionString}",
                    resources.GetProperty(name).GetProperty("env").GetProperty("ConnectionStrings__redis").GetString());
            }

            // Every node advertises its own resource name (what the other apps resolve) on NSQ's ports, and every broker
            // registers with every lookup by that name.
            foreach (var name in brokers.Concat(lookups))
            {
                var node = resources.GetProperty(name);
                var args = Args(node);
                Assert.Contains($"--broadcast-address={{{name}.bindings.tcp.host}}", args);
                Assert.Contains($"--tcp-address=0.0.0.0:{{{name}.bindings.tcp.targetPort}}", args);
                var tcpPort = node.GetProperty("bindings").GetProperty("tcp").GetProperty("targetPort").GetInt32();
                Assert.Equal(brokers.Contains(name) ? 4150 : 4160, tcpPort);
                // Every NSQ port a TCP mapping (azd would make an HTTP binding the main ingress, reached on port 80 only,
                // while nsqd advertises its HTTP port and nsqadmin dials it).
                foreach (var binding in node.GetProperty("bindings").EnumerateObject())
                    Assert.Equal("tcp", binding.Value.GetProperty("scheme").GetString());
            }
            foreach (var name in brokers)
            {
                var args = Args(resources.GetProperty(name));
                foreach (var lookup in lookups)
                {
                    Assert.Contains($"--lookupd-tcp-address={{{lookup}.bindings.tcp.host}}:{{{lookup}.bindings.tcp.targetPort}}", args);
                }
            }

            // Protected: the nodes' HTTP writes need the cluster token, the admin a password; both are secret parameters.
            foreach (var parameter in new[] { "nsq-auth-token", "nsqadmin-password" })
            {
                var input = resources.GetProperty(parameter).GetProperty("inputs").GetProperty("value");
                Assert.True(input.GetProperty("secret").GetBoolean(), $"{parameter} is not secret");
            }
            foreach (var name in brokers) Assert.Equal("{nsq-auth-token.value}", Env(resources, name, "Nsqd__HttpAuthTokens"));
            foreach (var name in lookups) Assert.Equal("{nsq-auth-token.value}", Env(resources, name, "Lookup__HttpAuthTokens"));
            Assert.Equal("{nsqadmin-password.value}", Env(resources, "nsqadmin", "Admin__BasicAuthPassword"));
            Assert.Equal("{nsq-auth-token.value}", Env(resources, "nsqadmin", "Admin__UpstreamAuthToken"));

            // azd's binding rules (azure-dev's aca_ingress.go): schemes tcp, http or https only, a tcp binding needs its
            // container port, and an external binding must be HTTP.
            foreach (var resource in resources.EnumerateObject().Where(r => r.Value.TryGetProperty("bindings", out _)))
            {
                foreach (var binding in resource.Value.GetProperty("bindings").EnumerateObject())
                {
                    var scheme = binding.Value.GetProperty("scheme").GetString();
                    Assert.True(scheme is "tcp" or "http" or "https", $"{resource.Name}.{binding.Name}: azd refuses scheme {scheme}");
                    if (scheme == "tcp") Assert.True(binding.Value.TryGetProperty("targetPort", out _), $"{resource.Name}.{binding.Name}: tcp without a target port");
                    if (binding.Value.TryGetProperty("external", out var e) && e.GetBoolean()) Assert.StartsWith("http", scheme, StringComparison.Ordinal);
                }
            }

            // Only the admin is reachable from outside the environment.
            var external = resources.EnumerateObject()
                .Where(r => r.Value.TryGetProperty("bindings", out var bindings) && bindings.EnumerateObject()
                    .Any(b => b.Value.TryGetProperty("external", out var e) && e.GetBoolean()))
                .Select(r => r.Name);
            Assert.Equal(["nsqadmin"], external);

            // Nothing from the developer's machine: no local paths, no loopback broadcast addresses.
            Assert.DoesNotContain(RepoRoot, text, StringComparison.Ordinal);
            Assert.DoesNotContain("127.0.0.1", text, StringComparison.Ordinal);
            Assert.DoesNotContain("redis-server\"", text, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Azure_yaml_points_azd_at_the_AppHost()
    {
        var lines = File.ReadAllLines(Path.Combine(RepoRoot, "azure.yaml"))
            .Where(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith('#'))
            .ToList();
        Assert.Contains("name: nsqaspire", lines);
        var services = lines.IndexOf("services:");
        Assert.True(services >= 0, "no top-level services:");

        // The one service: an indented key under services:, then its properties indented further.
        var service = lines.Skip(services + 1).TakeWhile(l => l.StartsWith(' ')).ToList();
        Assert.Matches(@"^  [A-Za-z0-9-]+:$", service[0]);
        var properties = service.Skip(1).Select(l => l.Trim().Split(':', 2)).ToDictionary(p => p[0], p => p[1].Trim());
        Assert.Equal("dotnet", properties["language"]);
        Assert.Equal("containerapp", properties["host"]);

        var project = Path.GetFullPath(Path.Combine(RepoRoot, properties["project"]));
        Assert.Equal("NsqAspire.AppHost.csproj", Path.GetFileName(project));
        Assert.True(File.Exists(project), $"{project} does not exist");
        Assert.Contains("Aspire.AppHost.Sdk", File.ReadAllText(project), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cluster_size_and_store_are_parameters()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.NsqAspire_AppHost>(
            ["--Nsq:Brokers=4", "--Nsq:Lookups=1", "--Nsq:Store=memory", $"--Nsq:DataRoot={Path.GetTempPath()}nsqaspire-model"]);
        // Aspire adds a "<project>-rebuilder" helper per project resource; only ours count.
        var names = builder.Resources.Select(r => r.Name).Where(n => !n.EndsWith("-rebuilder", StringComparison.Ordinal)).Order().ToArray();
        Assert.Equal(["nsq", "nsqadmin", "nsqd0", "nsqd1", "nsqd2", "nsqd3", "nsqlookupd0", "sample-worker"], names);
        var lookup = builder.Resources.OfType<ProjectResource>().Single(r => r.Name == "nsqlookupd0");
        Assert.False(lookup.TryGetAnnotationsOfType<ResourceRelationshipAnnotation>(out var relations)
            && relations.Any(r => r.Resource.Name.StartsWith("redis", StringComparison.Ordinal)), "memory store still references Redis");
    }

    [Fact]
    public async Task Redis_server_store_is_a_process_with_a_connection_string()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.NsqAspire_AppHost>(
            ["--Nsq:Store=process", "--Redis:ServerPath=/bin/true", $"--Nsq:DataRoot={Path.GetTempPath()}nsqaspire-model"]);
        Assert.IsType<ExecutableResource>(builder.Resources.Single(r => r.Name == "redis-server"));
        Assert.IsType<ConnectionStringResource>(builder.Resources.Single(r => r.Name == "redis"));
    }

    private static void AssertProject(JsonElement resources, string manifestDir, string name, string csproj, string[] endpoints)
    {
        Assert.True(resources.TryGetProperty(name, out var resource), $"{name} missing from the manifest");
        Assert.Equal("project.v0", resource.GetProperty("type").GetString());
        var path = resource.GetProperty("path").GetString()!;
        Assert.False(Path.IsPathRooted(path), $"{name}: absolute path {path}");
        Assert.Equal(csproj, Path.GetFileName(path));
        Assert.True(File.Exists(Path.Combine(manifestDir, path)), $"{name}: {path} does not exist");
        var bindings = resource.GetProperty("bindings");
        Assert.Equal(endpoints.Order(), bindings.EnumerateObject().Select(b => b.Name).Order());
        foreach (var endpoint in endpoints)
        {
            Assert.Equal("tcp", bindings.GetProperty(endpoint).GetProperty("protocol").GetString());
        }
    }

    /// <summary>A published nsqd: the container its Dockerfile builds from the repository root (azd mounts volumes only on
    /// containers), its data path on its own named volume.</summary>
    private static void AssertBrokerContainer(JsonElement resources, string manifestDir, string name)
    {
        Assert.True(resources.TryGetProperty(name, out var resource), $"{name} missing from the manifest");
        Assert.Equal("container.v1", resource.GetProperty("type").GetString());
        var build = resource.GetProperty("build");
        var dockerfile = Path.GetFullPath(Path.Combine(manifestDir, build.GetProperty("dockerfile").GetString()!));
        Assert.Equal(Path.Combine(RepoRoot, "Nsqd.Service", "Nsqd.Service", "Dockerfile"), dockerfile);
        Assert.True(File.Exists(dockerfile), $"{dockerfile} does not exist");
        Assert.Equal(RepoRoot.TrimEnd('/'), Path.GetFullPath(Path.Combine(manifestDir, build.GetProperty("context").GetString()!)).TrimEnd('/'));
        Assert.Equal([(name + "-data", "/var/lib/nsqd")], Volumes(resource));
        Assert.Contains("--data-path=/var/lib/nsqd", Args(resource));
        Assert.Equal(["http", "tcp"], resource.GetProperty("bindings").EnumerateObject().Select(b => b.Name).Order());
    }

    private static List<(string Name, string Target)> Volumes(JsonElement resource) =>
        [.. resource.GetProperty("volumes").EnumerateArray().Select(v => (v.GetProperty("name").GetString()!, v.GetProperty("target").GetString()!))];

    private static string? Env(JsonElement resources, string name, string key) =>
        resources.GetProperty(name).GetProperty("env").TryGetProperty(key, out var value) ? value.GetString() : null;

    private static List<string> Args(JsonElement resource) =>
        [.. resource.GetProperty("args").EnumerateArray().Select(a => a.GetString()!)];

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "NsqAspire.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("NsqAspire.sln not found above " + AppContext.BaseDirectory);
    }
}
