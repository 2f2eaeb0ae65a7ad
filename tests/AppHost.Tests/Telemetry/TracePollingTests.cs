using Nsq.TestUtilities;
using Nsq.TestUtilities.Telemetry;

namespace AppHost.Tests.Telemetry;

/// <summary>
/// <c>NsqAspire__Telemetry__TracePolling=true</c> on every service brings the polling back into the traces: the probes,
/// the SDK's lookup queries and the admin's sampler. Also what keeps <see cref="TraceTests"/>' "no polling span" honest:
/// the same cluster does poll, and the receiver would see it.
/// </summary>
[Collection(TelemetryClusterFixture.Collection)]
public sealed class TracePollingTests(TracePollingClusterFixture cluster) : IClassFixture<TracePollingClusterFixture>
{
    [Fact]
    public async Task With_TracePolling_the_probes_lookup_queries_and_sampler_are_traced()
    {
        var expected = new (string Service, string Path)[]
        {
            ("sample-worker", "/health"),   // Aspire's health check of the worker
            ("sample-worker", "/lookup"),   // the SDK consumer's lookupd query (client span)
            ("nsqadmin", "/nodes"),         // the admin's stats sampler (client span)
            ("nsqadmin", "/stats"),
        };
        await Poll.UntilAsync(() => Task.FromResult(expected.All(e => cluster.Receiver.Spans.Any(s => s.Service == e.Service && Is(s, e.Path)))),
            () => Task.FromResult("polling spans " + string.Join(", ", expected) + "; received: " + TraceTests.Describe(cluster.Receiver.Spans)),
            TimeSpan.FromSeconds(90));
    }

    private static bool Is(ReceivedSpan span, string path) => TraceTests.IsPolling(span) && (
        span.Attributes.TryGetValue("url.path", out var p) && TraceTests.IsUnder(p, path)
        || span.Attributes.TryGetValue("url.full", out var full) && Uri.TryCreate(full, UriKind.Absolute, out var url) && TraceTests.IsUnder(url.AbsolutePath, path));
}
