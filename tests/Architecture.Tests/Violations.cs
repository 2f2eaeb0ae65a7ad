namespace Architecture.Tests;

/// <summary>Fails with every violation on its own line, so one run shows all that must change.</summary>
internal static class Violations
{
    public static void AssertNone(IEnumerable<string> violations)
    {
        List<string> found = [.. violations];
        Assert.True(found.Count == 0, $"{found.Count} violation(s):{Environment.NewLine}{string.Join(Environment.NewLine, found)}");
    }
}
