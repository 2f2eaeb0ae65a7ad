using System.Text;
using System.Text.RegularExpressions;

namespace Docs.Tests;

/// <summary>
/// Turns a block into the C# files its project would compile: the SDK's implicit global usings, the block itself (or, for
/// a fragment, a method wrapping it), and for an AppHost the <c>Projects.*</c> metadata types the Aspire SDK generates.
/// </summary>
internal static partial class SnippetSource
{
    // The global usings each SDK turns on with ImplicitUsings (Microsoft.NET.Sdk, .Worker, .Web; Aspire.AppHost.Sdk).
    private static readonly string[] s_console =
        ["System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Threading", "System.Threading.Tasks"];

    private static readonly string[] s_worker =
        [.. s_console, "Microsoft.Extensions.Configuration", "Microsoft.Extensions.DependencyInjection", "Microsoft.Extensions.Hosting", "Microsoft.Extensions.Logging"];

    private static readonly string[] s_web =
        [.. s_worker, "System.Net.Http.Json", "Microsoft.AspNetCore.Builder", "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Http", "Microsoft.AspNetCore.Routing"];

    private static readonly string[] s_appHost = [.. s_console, "Aspire.Hosting", "Aspire.Hosting.ApplicationModel"];

    /// <summary>The implicit usings of the project template a kind stands for.</summary>
    public static IReadOnlyList<string> ImplicitUsings(SnippetKind kind) => kind switch
    {
        SnippetKind.Worker => s_worker,
        SnippetKind.Web => s_web,
        SnippetKind.AppHost => s_appHost,
        _ => s_console,
    };

    /// <summary>The files to compile, by name.</summary>
    public static IReadOnlyList<(string Name, string Text)> Files(MarkdownCodeBlock block)
    {
        var marker = block.Marker;
        var globalUsings = string.Concat(ImplicitUsings(marker.Kind).Select(u => $"global using global::{u};\n"));
        List<(string, string)> files = [("GlobalUsings.g.cs", globalUsings)];
        files.Add(("Snippet.cs", marker.FragmentParameters is null ? block.Code : WrapFragment(block.Code, marker.FragmentParameters)));
        if (marker.Kind == SnippetKind.AppHost)
        {
            files.Add(("Projects.g.cs", ProjectMetadata(block.Code)));
        }

        return files;
    }

    // A fragment is a method body; its own using lines move above the wrapping class, as they would sit in a real file.
    private static string WrapFragment(string code, string parameters)
    {
        var lines = code.Split('\n');
        var usings = lines.TakeWhile(l => l.StartsWith("using ", StringComparison.Ordinal) || string.IsNullOrWhiteSpace(l)).ToList();
        var body = lines.Skip(usings.Count);
        var text = new StringBuilder();
        usings.ForEach(u => text.Append(u).Append('\n'));
        text.Append("internal static class Fragment\n{\n");
        text.Append("    internal static async Task RunAsync(").Append(parameters).Append(")\n    {\n");
        foreach (var line in body)
        {
            text.Append("        ").Append(line).Append('\n');
        }

        // The fragment may have nothing to await; the await keeps the method async without a warning.
        text.Append("        await Task.CompletedTask;\n    }\n}\n");
        return text.ToString();
    }

    // Aspire's AppHost SDK generates a Projects.<Name> class per referenced project; the snippet names the ones it needs.
    private static string ProjectMetadata(string code)
    {
        var names = ProjectName().Matches(code).Select(m => m.Groups[1].Value).Distinct(StringComparer.Ordinal);
        var text = new StringBuilder("namespace Projects\n{\n");
        foreach (var name in names)
        {
            text.Append("    internal sealed class ").Append(name).Append(" : global::Aspire.Hosting.IProjectMetadata\n    {\n")
                .Append("        public string ProjectPath => \"").Append(name).Append(".csproj\";\n    }\n");
        }

        return text.Append("}\n").ToString();
    }

    [GeneratedRegex(@"\bProjects\.(\w+)")]
    private static partial Regex ProjectName();
}
