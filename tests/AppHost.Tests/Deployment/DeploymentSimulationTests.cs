using Nsq.TestUtilities;
using Nsq.TestUtilities.Deployment;

namespace AppHost.Tests.Deployment;

/// <summary>
/// The published deployment works as deployed (issue 14): the manifest's resources started exactly as azd starts them
/// on Azure Container Apps (<see cref="DeploymentFixture"/>), checked from inside their network with the <c>nsq</c> tool
/// and curl, as an operator would. Each test uses topics of its own, so their order does not matter.
/// </summary>
public sealed class DeploymentSimulationTests(DeploymentFixture deployment) : IClassFixture<DeploymentFixture>
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ConditionTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_consumer_knowing_only_the_lookups_receives_from_every_broker()
    {
        var topic = Topic("fanout");
        var expected = deployment.Brokers.Select(b => $"from-{b}").Order(StringComparer.Ordinal).ToArray();
        Assert.True(expected.Length > 1, "the deployment has fewer than two brokers");
        foreach (var broker in deployment.Brokers) await PublishAsync(broker, topic, $"from-{broker}");

        // The consumer asks the lookups once at start, so every broker's registration must have reached them first.
        var lookups = deployment.Lookups.Select(l => deployment.Resolve($"{{{l}.bindings.http.host}}:{{{l}.bindings.http.port}}")).ToArray();
        CommandResult? answer = null;
        await Poll.UntilAsync(async () =>
        {
            foreach (var lookup in lookups)
            {
                answer = await deployment.RunAsync($"curl -sS --max-time 5 'http://{lookup}/lookup?topic={topic}'", CommandTimeout);
                var producers = answer.Output.Split("\"broadcast_address\"").Length - 1;
                if (producers != expected.Length) return false;
            }
            return true;
        }, () => Task.FromResult($"every lookup listing {expected.Length} producers of {topic}; last answer: {answer?.Output}"),
            ConditionTimeout);

        var flags = string.Join(' ', lookups.Select(l => $"--lookupd-http-address={l}"));
        var tail = await deployment.RunAsync($"dotnet \"$NSQ_TOOL\" nsq_tail --topic={topic} {flags} -n {expected.Length}", CommandTimeout);
        Assert.True(tail.Succeeded, $"nsq_tail through the lookups: {tail.Output}\n{answer?.Output}\n{deployment.Simulation.Describe()}");
        Assert.Equal(expected, Lines(tail, "from-"));
    }

    [Fact]
    public async Task A_broker_restarted_on_its_volume_still_holds_its_messages()
    {
        var broker = deployment.Brokers[^1];
        var topic = Topic("durable");
        string[] messages = ["durable-1", "durable-2", "durable-3"];
        await PublishAsync(broker, topic, messages);

        var resource = deployment.Simulation[broker];
        await resource.RestartAsync();
        await deployment.Simulation.WaitReadyAsync(ConditionTimeout, [resource]);

        var address = deployment.Resolve($"{{{broker}.bindings.tcp.host}}:{{{broker}.bindings.tcp.port}}");
        var tail = await deployment.RunAsync($"dotnet \"$NSQ_TOOL\" nsq_tail --topic={topic} --nsqd-tcp-address={address} -n {messages.Length}",
            CommandTimeout);
        var volumes = string.Join(", ", resource.Resource.Volumes.Select(v => $"{v.Name} at {v.Target}"));
        Assert.True(tail.Succeeded, $"{broker} after a restart (volumes: {(volumes.Length > 0 ? volumes : "none")}): {tail.Output}\n{resource.Output}");
        Assert.Equal(messages, Lines(tail, "durable-"));
    }

    [Fact]
    public async Task The_admin_asks_anonymous_users_to_sign_in_and_works_with_the_password()
    {
        var url = deployment.Resolve("{nsqadmin.bindings.http.url}");
        var user = deployment.Manifest["nsqadmin"].Args.Select(a => a.Split('=', 2))
            .FirstOrDefault(a => a[0] == "--basic-auth-user")?[1] ?? "admin";

        Assert.Equal("401", await StatusAsync($"'{url}/api/nodes'"));
        Assert.Equal("401", await StatusAsync($"-u '{user}:wrong' '{url}/'"));

        // Signed in, the admin reads the nodes from the lookups (over their ingress, with the cluster token): every
        // broker shows by the name it advertises.
        CommandResult? nodes = null;
        await Poll.UntilAsync(async () =>
        {
            nodes = await deployment.RunAsync($"curl -sS --fail-with-body --max-time 5 -u \"{user}:$ADMIN_PASSWORD\" '{url}/api/nodes'", CommandTimeout);
            return nodes.Succeeded && deployment.Brokers.All(b => nodes.Output.Contains($"\"{b}\"", StringComparison.Ordinal));
        }, () => Task.FromResult($"the admin's /api/nodes listing {string.Join(", ", deployment.Brokers)}: {nodes?.Output}"),
            ConditionTimeout);
        Assert.Equal("200", await StatusAsync($"-u \"{user}:$ADMIN_PASSWORD\" '{url}/'"));

        // The admin reaches a broker's HTTP API at the address the broker advertises (name:4151, a TCP mapping): it
        // reads the topic's depth there and empties it on the user's behalf with the cluster token.
        var broker = deployment.Brokers[0];
        var topic = Topic("admin");
        await PublishAsync(broker, topic, "admin-1", "admin-2");
        CommandResult? stats = null;
        await Poll.UntilAsync(async () =>
        {
            stats = await deployment.RunAsync($"curl -sS --fail-with-body --max-time 5 -u \"{user}:$ADMIN_PASSWORD\" '{url}/api/topics/{topic}'", CommandTimeout);
            return stats.Succeeded && stats.Output.Contains("\"depth\":2", StringComparison.Ordinal);
        }, () => Task.FromResult($"the admin showing depth 2 of {topic} on {broker}: {stats?.Output}"), ConditionTimeout);
        Assert.Equal("200", await StatusAsync(
            $"-u \"{user}:$ADMIN_PASSWORD\" -H 'Content-Type: application/json' -d '{{\"action\":\"empty\"}}' '{url}/api/topics/{topic}'"));
        stats = await deployment.RunAsync($"curl -sS --fail-with-body --max-time 5 -u \"{user}:$ADMIN_PASSWORD\" '{url}/api/topics/{topic}'", CommandTimeout);
        Assert.Contains("\"depth\":0", stats.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nsqd_http_pub_needs_the_cluster_token()
    {
        var broker = deployment.Brokers[0];
        // The HTTP port is a TCP mapping (name:4151, what nsqd advertises), so the URL is built from host and port.
        var pub = $"'http://{deployment.Resolve($"{{{broker}.bindings.http.host}}:{{{broker}.bindings.http.port}}")}/pub?topic={Topic("auth")}'";

        Assert.Equal("401", await StatusAsync($"-X POST --data-binary anonymous {pub}"));
        Assert.Equal("401", await StatusAsync($"-X POST --data-binary wrong -H 'Authorization: Bearer wrong-token' {pub}"));
        Assert.Equal("200", await StatusAsync($"-X POST --data-binary signed -H \"Authorization: Bearer $AUTH_TOKEN\" {pub}"));
    }

    private static string Topic(string purpose) => $"sim_{purpose}_{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>Publishes over TCP (<c>nsq to_nsq</c>, one message a line) at the broker's resolved TCP address.</summary>
    private async Task PublishAsync(string broker, string topic, params string[] bodies)
    {
        var address = deployment.Resolve($"{{{broker}.bindings.tcp.host}}:{{{broker}.bindings.tcp.port}}");
        var lines = string.Join("\\n", bodies);
        var result = await deployment.RunAsync(
            $"printf '{lines}\\n' | dotnet \"$NSQ_TOOL\" to_nsq --topic={topic} --nsqd-tcp-address={address}", CommandTimeout);
        Assert.True(result.Succeeded, $"to_nsq to {address}: {result.Output}\n{deployment.Simulation[broker].Output}");
    }

    /// <summary>curl's status code for a request (curl arguments as shell text).</summary>
    private async Task<string> StatusAsync(string curlArguments)
    {
        var result = await deployment.RunAsync($"curl -sS -o /dev/null --max-time 10 -w '%{{http_code}}' {curlArguments}", CommandTimeout);
        return result.Output.Trim();
    }

    private static string[] Lines(CommandResult result, string prefix) =>
        [.. result.Output.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal)];
}
