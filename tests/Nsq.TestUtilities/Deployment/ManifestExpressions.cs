using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Nsq.TestUtilities.Deployment;

/// <summary>
/// Resolves the manifest's <c>{resource.property}</c> expressions as azd does when it deploys to Azure Container Apps:
/// bindings through <see cref="AcaIngress"/>, <c>{p.value}</c> of a <c>parameter.v0</c> from the values the test chose
/// (or, for a parameter whose input says <c>generate</c>, a random value made once), <c>{r.connectionString}</c> and
/// <c>{r.value}</c> of projects, containers, <c>value.v0</c> and <c>annotated.string</c> (filter <c>uri</c>) by
/// resolving their own text in turn. <c>{{</c> and <c>}}</c> are literal braces. Anything else fails with the expression,
/// so a manifest change the simulation cannot follow shows up as a clear error, not a wrong value.
/// </summary>
public sealed class ManifestExpressions
{
    private const string Alphanumerics = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private readonly DeploymentManifest _manifest;
    private readonly string _domain;
    private readonly Dictionary<string, string> _parameters;

    /// <param name="parameters">Values for the manifest's parameters by name; those not given must have a default.</param>
    public ManifestExpressions(DeploymentManifest manifest, string domain, IReadOnlyDictionary<string, string> parameters)
    {
        _manifest = manifest;
        _domain = domain;
        _parameters = new Dictionary<string, string>(parameters, StringComparer.Ordinal);
    }

    public AcaIngress Ingress(ManifestResource resource) => new(resource, _domain);

    /// <summary>A parameter's value: the chosen one, else its default, else the one generated for this deployment.</summary>
    public string Parameter(string name) => Resolve($"{{{name}.value}}");

    /// <summary>Replaces every expression in <paramref name="text"/>.</summary>
    public string Resolve(string text) => Resolve(text, depth: 0);

    private string Resolve(string text, int depth)
    {
        if (depth > 16) throw new InvalidOperationException($"manifest expressions nest too deep (a cycle?): {text}");
        var result = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if ((c == '{' || c == '}') && i + 1 < text.Length && text[i + 1] == c)
            {
                result.Append(c);
                i++;
                continue;
            }
            if (c != '{')
            {
                result.Append(c);
                continue;
            }
            var end = text.IndexOf('}', i);
            if (end < 0) throw new FormatException($"unclosed '{{' in manifest text: {text}");
            result.Append(Evaluate(text[(i + 1)..end], depth));
            i = end;
        }
        return result.ToString();
    }

    private string Evaluate(string expression, int depth)
    {
        var parts = expression.Split('.');
        var resource = _manifest[parts[0]];
        var property = string.Join('.', parts.Skip(1));
        switch (resource.Kind, property)
        {
            case (_, _) when parts.Length == 4 && parts[1] == "bindings":
                return BindingProperty(resource, resource.Binding(parts[2]), parts[3]);
            case ("parameter", "value"):
            case ("parameter", "inputs.value"):
                return ParameterValue(resource);
            case ("annotated", "value"):
                var value = Resolve(resource.StringProperty("value") ?? "", depth + 1);
                return resource.StringProperty("filter") switch
                {
                    null => value,
                    "uri" => Uri.EscapeDataString(value),
                    var filter => throw new NotSupportedException($"annotated.string filter '{filter}' ({expression})"),
                };
            case (_, "connectionString" or "value") when resource.StringProperty(property) is { } own:
                return Resolve(own, depth + 1);
            default:
                throw new NotSupportedException($"manifest expression {{{expression}}} ({resource.Type})");
        }
    }

    private string BindingProperty(ManifestResource resource, ManifestBinding binding, string property)
    {
        var ingress = Ingress(resource);
        return property switch
        {
            "host" => ingress.Host(binding),
            "port" => ingress.Port(binding).ToString(CultureInfo.InvariantCulture),
            "targetPort" => ingress.TargetPort(binding).ToString(CultureInfo.InvariantCulture),
            "url" => ingress.Url(binding),
            // azd answers the scheme for both, as the manifest's transport is not an ACA setting.
            "scheme" or "transport" => binding.Scheme,
            "external" => binding.External ? "true" : "false",
            _ => throw new NotSupportedException($"binding property {resource.Name}.bindings.{binding.Name}.{property}"),
        };
    }

    private string ParameterValue(ManifestResource parameter)
    {
        if (_parameters.TryGetValue(parameter.Name, out var chosen)) return chosen;
        var input = parameter.Json.TryGetProperty("inputs", out var inputs) && inputs.TryGetProperty("value", out var v) ? v : default;
        if (input.ValueKind != System.Text.Json.JsonValueKind.Undefined && input.TryGetProperty("default", out var fallback))
        {
            if (fallback.TryGetProperty("value", out var literal)) return _parameters[parameter.Name] = literal.GetString() ?? "";
            if (fallback.TryGetProperty("generate", out var generate))
            {
                // azd generates once and keeps it in the environment; a test run is one environment. Alphanumerics only,
                // which every generate option the AppHost uses allows (special: false).
                var length = generate.TryGetProperty("minLength", out var min) ? Math.Max(min.GetInt32(), 16) : 22;
                return _parameters[parameter.Name] = RandomNumberGenerator.GetString(Alphanumerics, length);
            }
        }
        throw new InvalidOperationException(
            $"parameter '{parameter.Name}' has no value: azd would ask for it; the test must choose one");
    }
}
