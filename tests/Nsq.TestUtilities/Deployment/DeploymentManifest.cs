using System.Text.Json;

namespace Nsq.TestUtilities.Deployment;

/// <summary>One endpoint of a resource as the manifest states it (<c>resources.&lt;name&gt;.bindings.&lt;binding&gt;</c>).</summary>
public sealed record ManifestBinding(string Name, int Order, string Scheme, string Transport, int? TargetPort, int? Port, bool External)
{
    public bool IsHttp => Scheme is "http" or "https";
}

/// <summary>A named volume or bind mount: the deploy target gives it storage that outlives the container.</summary>
public sealed record ManifestVolume(string Name, string Target, bool ReadOnly);

/// <summary>One entry of the manifest's <c>resources</c>, with its raw JSON for the fields only some types carry.</summary>
public sealed class ManifestResource
{
    internal ManifestResource(string name, JsonElement json, string manifestDirectory)
    {
        Name = name;
        Json = json;
        Type = json.GetProperty("type").GetString() ?? "";
        Args = Strings(json, "args");
        Env = json.TryGetProperty("env", out var env)
            ? env.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "", StringComparer.Ordinal)
            : [];
        Bindings = json.TryGetProperty("bindings", out var bindings)
            ? [.. bindings.EnumerateObject().Select((b, i) => new ManifestBinding(b.Name, i,
                b.Value.GetProperty("scheme").GetString() ?? "tcp",
                b.Value.TryGetProperty("transport", out var t) ? t.GetString() ?? "" : "",
                Int(b.Value, "targetPort"), Int(b.Value, "port"),
                b.Value.TryGetProperty("external", out var x) && x.GetBoolean()))]
            : [];
        Volumes = [.. Mounts(json, "volumes", "name"), .. Mounts(json, "bindMounts", "source")];
        Path = json.TryGetProperty("path", out var path) && path.GetString() is { } p
            ? System.IO.Path.GetFullPath(System.IO.Path.Combine(manifestDirectory, p))
            : null;
        // container.v1 built from a Dockerfile names it under build; dockerfile.v0 in path.
        Dockerfile = json.TryGetProperty("build", out var build) && build.TryGetProperty("dockerfile", out var d) && d.GetString() is { } f
            ? System.IO.Path.GetFullPath(System.IO.Path.Combine(manifestDirectory, f))
            : Kind == "dockerfile" ? Path : null;
    }

    public string Name { get; }
    public string Type { get; }
    public JsonElement Json { get; }
    public IReadOnlyList<string> Args { get; }
    public IReadOnlyDictionary<string, string> Env { get; }
    public IReadOnlyList<ManifestBinding> Bindings { get; }
    public IReadOnlyList<ManifestVolume> Volumes { get; }

    /// <summary><c>path</c> made absolute: a project's csproj, a Dockerfile.</summary>
    public string? Path { get; }

    /// <summary>The Dockerfile the resource's image is built from, made absolute; null for a ready-made image or a project.</summary>
    public string? Dockerfile { get; }

    /// <summary>A process of its own in the deployment (a container app), as opposed to a value or parameter.</summary>
    public bool IsCompute => Kind is "project" or "container" or "dockerfile";

    /// <summary>The type without its version: <c>project.v1</c> is a project.</summary>
    public string Kind => Type.Split('.')[0];

    public string? StringProperty(string name) =>
        Json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public ManifestBinding Binding(string name) => Bindings.FirstOrDefault(b => b.Name == name)
        ?? throw new InvalidOperationException($"{Name} has no binding '{name}'");

    private static List<string> Strings(JsonElement json, string name) =>
        json.TryGetProperty(name, out var array) ? [.. array.EnumerateArray().Select(a => a.GetString() ?? "")] : [];

    private static int? Int(JsonElement json, string name) => json.TryGetProperty(name, out var v) ? v.GetInt32() : null;

    private static IEnumerable<ManifestVolume> Mounts(JsonElement json, string property, string nameField) =>
        json.TryGetProperty(property, out var array)
            ? array.EnumerateArray().Select(v => new ManifestVolume(v.GetProperty(nameField).GetString() ?? "",
                v.GetProperty("target").GetString() ?? "", v.TryGetProperty("readOnly", out var r) && r.GetBoolean()))
            : [];
}

/// <summary>
/// The deployment manifest the AppHost publishes (<c>--publisher manifest</c>), the document azd reads to deploy to
/// Azure Container Apps: every resource with its type, arguments, environment, endpoints and volumes, with references
/// between them left as <c>{resource.property}</c> expressions (<see cref="ManifestExpressions"/> resolves them).
/// </summary>
public sealed class DeploymentManifest
{
    private DeploymentManifest(Dictionary<string, ManifestResource> resources) => Resources = resources;

    public IReadOnlyDictionary<string, ManifestResource> Resources { get; }

    public ManifestResource this[string name] => Resources.TryGetValue(name, out var r)
        ? r : throw new InvalidOperationException($"the manifest has no resource '{name}'");

    /// <summary>The resources that run as processes, in manifest order.</summary>
    public IEnumerable<ManifestResource> Compute => Resources.Values.Where(r => r.IsCompute);

    /// <summary>Reads a manifest file; relative paths in it are relative to its own directory, as azd reads them.</summary>
    public static DeploymentManifest Load(string file)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(file));
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(file))!;
        var resources = document.RootElement.GetProperty("resources").EnumerateObject()
            .ToDictionary(r => r.Name, r => new ManifestResource(r.Name, r.Value.Clone(), directory), StringComparer.Ordinal);
        return new DeploymentManifest(resources);
    }
}
