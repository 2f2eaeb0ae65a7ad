using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.InteropServices;
using Microsoft.CodeAnalysis;

namespace Docs.Tests;

/// <summary>
/// The source generators every .NET project gets from the targeting pack (System.Text.Json's serializer contexts, the
/// [GeneratedRegex] generator), so a snippet with <c>[JsonSerializable]</c> compiles here as it does in a user's project.
/// </summary>
internal static class SdkSourceGenerators
{
    private static readonly string[] s_assemblies = ["System.Text.Json.SourceGeneration.dll", "System.Text.RegularExpressions.Generator.dll"];

    private static readonly Lazy<ImmutableArray<ISourceGenerator>> s_generators = new(Load);

    public static ImmutableArray<ISourceGenerator> All => s_generators.Value;

    private static ImmutableArray<ISourceGenerator> Load()
    {
        // <dotnet>/shared/Microsoft.NETCore.App/<version>/ -> <dotnet>/packs/Microsoft.NETCore.App.Ref/<newest>/analyzers/dotnet/cs
        var dotnetRoot = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        var refPack = new DirectoryInfo(Path.Combine(dotnetRoot, "packs", "Microsoft.NETCore.App.Ref"));
        var folder = refPack.Exists
            ? refPack.GetDirectories().Select(d => Path.Combine(d.FullName, "analyzers", "dotnet", "cs")).Where(Directory.Exists)
                .OrderByDescending(d => Version.TryParse(Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(d)))), out var v) ? v : new Version())
                .FirstOrDefault()
            : null;
        if (folder is null)
        {
            return []; // no targeting pack: a snippet that needs a generator then fails to compile, naming the missing type
        }

        return [.. s_assemblies.Select(a => Path.Combine(folder, a)).Where(File.Exists).SelectMany(Generators)];
    }

    private static IEnumerable<ISourceGenerator> Generators(string path)
    {
        Type?[] types;
        try
        {
            types = Assembly.LoadFrom(path).GetTypes();
        }
        catch (ReflectionTypeLoadException ex)
        {
            types = ex.Types;
        }

        foreach (var type in types)
        {
            if (type is null || type.IsAbstract || type.GetCustomAttribute<GeneratorAttribute>() is null)
            {
                continue;
            }

            var instance = Activator.CreateInstance(type);
            if (instance is IIncrementalGenerator incremental)
            {
                yield return incremental.AsSourceGenerator();
            }
            else if (instance is ISourceGenerator generator)
            {
                yield return generator;
            }
        }
    }
}
