using System.Reflection;

namespace Architecture.Tests;

/// <summary>
/// The layering the folder tree promises, checked on the built assemblies: the wire protocol depends on the BCL only,
/// the disk queue knows no broker type, and the engine never depends on its host.
/// </summary>
public class ReferenceRulesTests
{
    private static IEnumerable<string> ProjectReferences(Assembly a)
        => a.GetReferencedAssemblies().Select(r => r.Name!).Where(n => !IsPlatform(n));

    private static bool IsPlatform(string name)
        => name is "mscorlib" or "netstandard" || name.StartsWith("System", StringComparison.Ordinal)
           || name.StartsWith("Microsoft.", StringComparison.Ordinal);

    [Fact]
    public void Protocol_references_only_the_base_class_library()
    {
        var refs = typeof(Nsq.Protocol.Names).Assembly.GetReferencedAssemblies().Select(r => r.Name!).ToList();
        Assert.All(refs, r => Assert.True(r.StartsWith("System", StringComparison.Ordinal) || r is "netstandard" or "mscorlib", $"Nsq.Protocol references {r}"));
    }

    [Fact]
    public void DiskQueue_references_nothing_of_ours()
        => Assert.Empty(ProjectReferences(typeof(Nsqd.DiskQueue.DiskQueue).Assembly));

    [Fact]
    public void Engine_references_protocol_and_disk_queue_only()
    {
        var refs = ProjectReferences(typeof(Nsqd.Core.NsqdServer).Assembly).ToHashSet();
        refs.Remove("Snappier");
        Assert.Subset(new HashSet<string> { "Nsq.Protocol", "Nsqd.DiskQueue" }, refs);
    }

    [Fact]
    public void Lookup_engine_references_the_protocol_and_never_the_broker()
    {
        var refs = ProjectReferences(typeof(Lookup.Core.LookupServer).Assembly).ToHashSet();
        Assert.Contains("Nsq.Protocol", refs);
        Assert.DoesNotContain("Nsqd.Core", refs);
        Assert.DoesNotContain("Nsqd.DiskQueue", refs);
    }

    [Fact]
    public void Broker_never_references_the_lookup_engine()
        => Assert.DoesNotContain("Lookup.Core", ProjectReferences(typeof(Nsqd.Core.NsqdServer).Assembly));

    [Fact]
    public void Sdk_references_the_protocol_and_no_server()
    {
        var refs = ProjectReferences(typeof(Nsq.Client.NsqProducer).Assembly).ToHashSet();
        Assert.Contains("Nsq.Protocol", refs);
        Assert.DoesNotContain("Nsqd.Core", refs);
        Assert.DoesNotContain("Lookup.Core", refs);
        Assert.DoesNotContain(typeof(Nsq.Client.NsqProducer).Assembly.GetReferencedAssemblies(), r => r.Name!.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
    }

    [Fact]
    public void Protocol_has_no_async_infrastructure_or_logging()
    {
        var names = typeof(Nsq.Protocol.Names).Assembly.GetReferencedAssemblies().Select(r => r.Name!);
        Assert.DoesNotContain(names, n => n.Contains("Logging", StringComparison.Ordinal) || n.Contains("AspNetCore", StringComparison.Ordinal));
    }
}
