namespace Docs.Tests;

/// <summary>Every C# block a user would paste from README.md and docs/*.md compiles as the project its marker names.</summary>
public class SnippetCompileTests
{
    public static TheoryData<string> Blocks() => DocumentedSnippets.Compiled();

    [Theory]
    [MemberData(nameof(Blocks))]
    public void Snippet_compiles(string location)
    {
        var block = DocumentedSnippets.At(location);
        var result = SnippetCompiler.Compile(block);
        Assert.True(result.Image is not null,
            $"{location} ({block.Marker}) does not compile:\n{string.Join('\n', result.Problems)}\n--- the block ---\n{block.Code}");
    }

    [Fact]
    public void Docs_hold_csharp_blocks_and_every_exclusion_gives_a_reason()
    {
        // Guards the theory above against passing on nothing (a renamed fence, a moved docs folder).
        var blocks = DocumentedSnippets.All.ToList();
        Assert.True(blocks.Count >= 8, $"only {blocks.Count} C# blocks found in README.md and docs/");
        Assert.Contains(blocks, b => b.File == "README.md" && b.Marker.Run);
        Assert.All(blocks.Where(b => b.Marker.Kind == SnippetKind.NotCode),
            b => Assert.False(string.IsNullOrWhiteSpace(b.Marker.ExclusionReason), $"{b.Location} is excluded without a reason"));
    }

    [Fact]
    public void A_broken_snippet_fails_naming_the_markdown_line()
    {
        // The checker itself must be able to fail: the README's old example (no using, a Task lambda) is refused.
        var block = new MarkdownCodeBlock("README.md", 10, "csharp",
            "await using var producer = new NsqProducer(new NsqProducerOptions());\n", SnippetMarker.Default);
        var result = SnippetCompiler.Compile(block);
        Assert.Null(result.Image);
        Assert.Contains(result.Problems, p => p.StartsWith("README.md:11: error CS0246", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("<!-- snippet: web -->", "Web", false)]
    [InlineData("<!-- snippet: console run prints=\"order 42\" stats=orders:3 -->", "Console", true)]
    [InlineData("<!-- snippet: fragment apphost (IDistributedApplicationBuilder builder) -->", "AppHost", false)]
    public void Markers_parse(string line, string kind, bool run)
    {
        var marker = SnippetMarker.Parse(line);
        Assert.Equal(kind, marker.Kind.ToString());
        Assert.Equal(run, marker.Run);
    }

    [Theory]
    [InlineData("<!-- snippet: not-code -->")]
    [InlineData("<!-- snippet: python -->")]
    [InlineData("<!-- snippet: fragment console -->")]
    public void Bad_markers_are_refused(string line) => Assert.Throws<FormatException>(() => SnippetMarker.Parse(line));
}
