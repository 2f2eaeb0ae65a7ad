namespace Architecture.Tests.Rules;

/// <summary>What a project is, which decides the general rules that apply to it.</summary>
internal enum ProjectKind
{
    /// <summary>A NuGet package (IsPackable true): may reference other packed projects only.</summary>
    PackedLibrary,

    /// <summary>A library internal to the repository (engines, the host layer, test utilities).</summary>
    Library,

    /// <summary>A process: a daemon, the AppHost, a sample, a tool or a benchmark.</summary>
    Executable,

    /// <summary>A test project (the test SDK): references libraries, never another test project or an executable.</summary>
    TestProject,
}
