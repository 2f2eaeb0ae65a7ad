namespace Docs.Tests;

/// <summary>The C# blocks of the user docs, read once, keyed by <c>file:line</c> (the test cases' names).</summary>
internal static class DocumentedSnippets
{
    private static readonly Lazy<IReadOnlyDictionary<string, MarkdownCodeBlock>> s_blocks = new(() =>
        RepositoryFiles.UserDocs()
            .SelectMany(f => MarkdownCodeBlock.Read(RepositoryFiles.Root, f))
            .Where(b => b.IsCSharp)
            .ToDictionary(b => b.Location, StringComparer.Ordinal));

    public static IEnumerable<MarkdownCodeBlock> All => s_blocks.Value.Values;

    public static MarkdownCodeBlock At(string location) => s_blocks.Value[location];

    /// <summary>Theory rows: every block that is code.</summary>
    public static TheoryData<string> Compiled() => Rows(b => b.Marker.Kind != SnippetKind.NotCode);

    /// <summary>Theory rows: every block marked <c>run</c>.</summary>
    public static TheoryData<string> Runnable() => Rows(b => b.Marker.Run);

    private static TheoryData<string> Rows(Func<MarkdownCodeBlock, bool> which)
    {
        var rows = new TheoryData<string>();
        foreach (var block in All.Where(which))
        {
            rows.Add(block.Location);
        }

        return rows;
    }
}
