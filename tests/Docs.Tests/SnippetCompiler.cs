using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Docs.Tests;

/// <summary>Compiles one snippet with Roslyn, as its own assembly, against the platform and the SDK assemblies.</summary>
internal static class SnippetCompiler
{
    // Every assembly the test host can load: the .NET and ASP.NET Core shared frameworks plus this project's output
    // (Nsq.Client, Nsq.Client.Hosting, NsqAspire.Hosting, Aspire.Hosting, Microsoft.Extensions.*). Read once: the metadata
    // of a few hundred assemblies is the expensive part of a compilation.
    private static readonly Lazy<ImmutableArray<MetadataReference>> s_references = new(() =>
        [.. ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))]);

    // Warnings a user's project does not show (or that only concern generated glue), so they do not fail a snippet.
    private static readonly ImmutableDictionary<string, ReportDiagnostic> s_quiet = new Dictionary<string, ReportDiagnostic>
    {
        ["CS1701"] = ReportDiagnostic.Suppress, // assembly version unification, as the SDK suppresses it
        ["CS1702"] = ReportDiagnostic.Suppress,
    }.ToImmutableDictionary();

    /// <summary>Compiles the block; the image is null when compilation failed, and the errors name the file and line.</summary>
    public static SnippetCompilation Compile(MarkdownCodeBlock block)
    {
        var marker = block.Marker;
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var trees = SnippetSource.Files(block)
            .Select(f => CSharpSyntaxTree.ParseText(f.Text, parse, path: f.Name))
            .ToList();
        var executable = marker.FragmentParameters is null && marker.Kind != SnippetKind.Library;
        var options = new CSharpCompilationOptions(executable ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary)
            .WithNullableContextOptions(NullableContextOptions.Enable)
            .WithSpecificDiagnosticOptions(s_quiet)
            .WithOptimizationLevel(OptimizationLevel.Debug);
        var name = "Snippet_" + Path.GetFileNameWithoutExtension(block.File).Replace('-', '_') + "_" + block.Line;
        Compilation compilation = CSharpCompilation.Create(name, trees, s_references.Value, options);
        CSharpGeneratorDriver.Create(SdkSourceGenerators.All, parseOptions: parse)
            .RunGeneratorsAndUpdateCompilation(compilation, out compilation, out var generatorDiagnostics);

        using var image = new MemoryStream();
        var result = compilation.Emit(image);
        var problems = generatorDiagnostics.Concat(result.Diagnostics)
            .Where(d => d.Severity == DiagnosticSeverity.Error || (d.Severity == DiagnosticSeverity.Warning && d.WarningLevel <= 4))
            .Select(d => Describe(block, d))
            .ToList();
        return new SnippetCompilation(result.Success && problems.Count == 0 ? image.ToArray() : null, problems);
    }

    // "README.md:57 (snippet line 3): error CS1503: ..." — the markdown line, so the fix is one click away.
    private static string Describe(MarkdownCodeBlock block, Diagnostic d)
    {
        var span = d.Location.GetLineSpan();
        var where = span.Path == "Snippet.cs" && block.Marker.FragmentParameters is null
            ? $"{block.File}:{block.Line + 1 + span.StartLinePosition.Line}"
            : $"{block.Location} ({span.Path}:{span.StartLinePosition.Line + 1})";
        return $"{where}: {d.Severity.ToString().ToLowerInvariant()} {d.Id}: {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}";
    }
}

/// <summary>The result of compiling a snippet.</summary>
/// <param name="Image">The emitted assembly, or null when it did not compile.</param>
/// <param name="Problems">Errors and warnings, each naming the markdown file and line.</param>
internal sealed record SnippetCompilation(byte[]? Image, IReadOnlyList<string> Problems);
