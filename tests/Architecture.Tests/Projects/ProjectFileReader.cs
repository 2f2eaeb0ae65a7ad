using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Architecture.Tests.Projects;

/// <summary>
/// Reads a csproj the way MSBuild layers it, as far as the rules need: the nearest Directory.Build.props (and the ones it
/// chains to through GetPathOfFileAbove), then the project file, following Import elements into the repository's own
/// files in document order. Properties: the last unconditional value wins. Items: every one counts, conditional or not,
/// so a reference cannot hide behind a condition.
/// </summary>
internal static partial class ProjectFileReader
{
    private const string TestSdkPackage = "Microsoft.NET.Test.Sdk";

    // SDKs whose projects build an executable unless OutputType says otherwise.
    private static readonly string[] ExecutableSdks = ["Microsoft.NET.Sdk.Web", "Microsoft.NET.Sdk.Worker", "Aspire.AppHost.Sdk"];

    /// <summary>Reads <paramref name="csprojPath"/>; imports are followed only into files below <paramref name="root"/>.</summary>
    public static ProjectFile Read(string csprojPath, string root)
    {
        var state = new ReadState(Path.GetFullPath(root));
        string? directoryProps = FindFileAbove("Directory.Build.props", Path.GetDirectoryName(csprojPath)!, state);
        if (directoryProps is not null)
        {
            ReadFile(directoryProps, state);
        }

        ReadFile(csprojPath, state);

        string sdk = XDocument.Load(csprojPath).Root?.Attribute("Sdk")?.Value ?? "";
        string? outputType = state.Property("OutputType");
        bool isExecutable = outputType is not null
            ? outputType.Equals("Exe", StringComparison.OrdinalIgnoreCase) || outputType.Equals("WinExe", StringComparison.OrdinalIgnoreCase)
            : ExecutableSdks.Any(s => sdk.Split('/')[0].Equals(s, StringComparison.OrdinalIgnoreCase));
        bool isTest = IsTrue(state.Property("IsTestProject"))
                      || state.Packages.Any(p => p.Id.Equals(TestSdkPackage, StringComparison.OrdinalIgnoreCase));

        return new ProjectFile(
            Path.GetFileNameWithoutExtension(csprojPath),
            Relative(state.Root, csprojPath),
            state.Projects,
            state.Packages,
            state.Frameworks,
            isExecutable,
            isTest,
            IsTrue(state.Property("IsPackable")));
    }

    private static bool IsTrue(string? value) => string.Equals(value, "true", StringComparison.OrdinalIgnoreCase);

    private static void ReadFile(string path, ReadState state)
    {
        if (!state.Visited.Add(Path.GetFullPath(path)))
        {
            return;
        }

        XElement root = XDocument.Load(path).Root ?? throw new InvalidDataException($"{path} is empty.");
        string dir = Path.GetDirectoryName(path)!;
        foreach (XElement element in root.Elements())
        {
            switch (element.Name.LocalName)
            {
                case "Import":
                    if (ResolveImport(element.Attribute("Project")?.Value ?? "", dir, state) is { } imported)
                    {
                        ReadFile(imported, state);
                    }

                    break;
                case "PropertyGroup":
                    foreach (XElement property in element.Elements().Where(p => p.Attribute("Condition") is null))
                    {
                        state.Properties[property.Name.LocalName] = property.Value.Trim();
                    }

                    break;
                case "ItemGroup":
                    ReadItems(element, path, dir, state);
                    break;
            }
        }
    }

    private static void ReadItems(XElement itemGroup, string path, string dir, ReadState state)
    {
        foreach (XElement item in itemGroup.Elements())
        {
            string include = item.Attribute("Include")?.Value ?? "";
            switch (item.Name.LocalName)
            {
                case "ProjectReference":
                    // Written with '\' or '/' alike; both must name the same project on every OS.
                    string target = Path.GetFullPath(Path.Combine(dir, include.Replace('\\', '/')));
                    state.Projects.Add(new ProjectReference(Path.GetFileNameWithoutExtension(target), Relative(state.Root, target)));
                    break;
                case "PackageReference":
                    string privateAssets = item.Attribute("PrivateAssets")?.Value ?? item.Element(item.Name.Namespace + "PrivateAssets")?.Value ?? "";
                    state.Packages.Add(new PackageReference(include, Relative(state.Root, path), privateAssets.Equals("all", StringComparison.OrdinalIgnoreCase)));
                    break;
                case "FrameworkReference":
                    state.Frameworks.Add(include);
                    break;
            }
        }
    }

    /// <summary>The repository file an Import names, or null for SDK and other imports outside the repository.</summary>
    private static string? ResolveImport(string project, string dir, ReadState state)
    {
        Match above = GetPathOfFileAbove().Match(project);
        if (above.Success)
        {
            // GetPathOfFileAbove(name, '$(MSBuildThisFileDirectory)../') starts the search one folder up.
            string start = above.Groups["start"].Value.Contains("..", StringComparison.Ordinal) ? Path.GetDirectoryName(dir)! : dir;
            return FindFileAbove(above.Groups["name"].Value, start, state);
        }

        string path = project.Replace("$(MSBuildThisFileDirectory)", dir + "/", StringComparison.Ordinal).Replace('\\', '/');
        if (path.Contains("$(", StringComparison.Ordinal))
        {
            return null;
        }

        string full = Path.GetFullPath(Path.Combine(dir, path));
        return File.Exists(full) && IsBelow(state.Root, full) ? full : null;
    }

    private static string? FindFileAbove(string name, string start, ReadState state)
    {
        for (var dir = new DirectoryInfo(start); dir is not null && IsBelow(state.Root, dir.FullName); dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>The path relative to <paramref name="root"/> with '/' separators, as the failure messages name files.</summary>
    public static string Relative(string root, string fullPath)
        => Path.GetRelativePath(root, fullPath).Replace('\\', '/');

    private static bool IsBelow(string root, string fullPath)
        => Relative(root, fullPath) is var relative && relative != ".." && !relative.StartsWith("../", StringComparison.Ordinal)
           && !Path.IsPathRooted(relative);

    [GeneratedRegex(@"GetPathOfFileAbove\(\s*'(?<name>[^']+)'\s*(,\s*'(?<start>[^']*)')?")]
    private static partial Regex GetPathOfFileAbove();

    private sealed class ReadState(string root)
    {
        public string Root { get; } = root;

        public HashSet<string> Visited { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, string> Properties { get; } = new(StringComparer.OrdinalIgnoreCase);

        public List<ProjectReference> Projects { get; } = [];

        public List<PackageReference> Packages { get; } = [];

        public List<string> Frameworks { get; } = [];

        public string? Property(string name) => Properties.GetValueOrDefault(name);
    }
}
