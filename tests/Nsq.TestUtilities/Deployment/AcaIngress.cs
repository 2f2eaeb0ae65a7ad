namespace Nsq.TestUtilities.Deployment;

/// <summary>
/// How azd maps a resource's bindings onto an Azure Container Apps ingress, and so what <c>host</c>, <c>port</c>,
/// <c>targetPort</c> and <c>url</c> of a binding resolve to (azure-dev cli/azd/pkg/apphost: aca_ingress.go picks the
/// main ingress, generate.go's evalBindingRef resolves the properties):
/// <list type="bullet">
/// <item>Bindings are grouped by target port. The main ingress is the only HTTP-only group, else the one external
/// HTTP-only group, else the group of the first HTTP binding; with no HTTP binding, the group of the first binding.
/// The other groups become additional TCP port mappings.</item>
/// <item>An HTTP binding on the main ingress is reached at <c>&lt;name&gt;.internal.&lt;domain&gt;</c> (external:
/// <c>&lt;name&gt;.&lt;domain&gt;</c>) on port 80 (https: 443), and its URL has no port. Every other binding is reached
/// at the bare resource name on its <c>port</c>, else its target port.</item>
/// <item>A binding without a target port (a project's HTTP endpoint) listens where the built container listens:
/// azd's <c>targetPortOrDefault</c>, 8080 for a .NET container image (its <c>ASPNETCORE_HTTP_PORTS</c>).</item>
/// </list>
/// </summary>
public sealed class AcaIngress
{
    /// <summary>Where a .NET container image listens unless told otherwise; what azd fills in for a missing target port.</summary>
    public const int DefaultTargetPort = 8080;

    private readonly ManifestResource _resource;
    private readonly string _domain;
    private readonly HashSet<string> _main;

    public AcaIngress(ManifestResource resource, string domain)
    {
        _resource = resource;
        _domain = domain;
        var groups = resource.Bindings.GroupBy(b => b.TargetPort).ToList();
        var httpOnly = groups.Where(g => g.All(b => b.IsHttp)).ToList();
        var external = httpOnly.Where(g => g.Any(b => b.External)).ToList();
        var main = httpOnly.Count == 1 ? httpOnly[0]
            : external.Count == 1 ? external[0]
            : httpOnly.Count > 1 ? httpOnly.MinBy(g => g.Min(b => b.Order))
            : groups.MinBy(g => g.Min(b => b.Order));
        _main = main is null ? [] : [.. main.Select(b => b.Name)];
    }

    /// <summary>A binding on the main ingress that the platform's HTTP proxy fronts (port 80/443, domain host name).</summary>
    public bool IsProxiedHttp(ManifestBinding b) => _main.Contains(b.Name) && b.IsHttp;

    public int TargetPort(ManifestBinding b) => b.TargetPort ?? DefaultTargetPort;

    public int Port(ManifestBinding b) => IsProxiedHttp(b) ? (b.Scheme == "https" ? 443 : 80) : b.Port ?? TargetPort(b);

    public string Host(ManifestBinding b) => IsProxiedHttp(b) ? $"{_resource.Name}.{Suffix(b)}" : _resource.Name;

    public string Url(ManifestBinding b) => IsProxiedHttp(b)
        ? $"{b.Scheme}://{_resource.Name}.{Suffix(b)}"
        : $"{b.Scheme}://{_resource.Name}:{Port(b)}";

    /// <summary>Every host name the environment's DNS answers for this resource.</summary>
    public IEnumerable<string> HostNames =>
        new[] { _resource.Name, $"{_resource.Name}.internal.{_domain}" }
            .Concat(_resource.Bindings.Any(b => b.External) ? [$"{_resource.Name}.{_domain}"] : []);

    /// <summary>
    /// The ports the platform answers on that differ from where the container listens (the HTTP proxy's 80 in front of
    /// the target port, an additional mapping's exposed port): what the simulation forwards inside the resource's network.
    /// </summary>
    public IEnumerable<(int Exposed, int Target)> Forwards =>
        _resource.Bindings.Select(b => (Exposed: Port(b), Target: TargetPort(b)))
            .Where(p => p.Exposed != p.Target).Distinct();

    private string Suffix(ManifestBinding b) => b.External ? _domain : "internal." + _domain;
}
