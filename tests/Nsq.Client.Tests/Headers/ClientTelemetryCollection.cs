using static Nsq.TestUtilities.Client.ClientTestHelpers;
namespace Nsq.Client.Tests.Headers;

/// <summary>
/// Listener-based tests change what the client does (spans, header injection) for every test in the process, so they
/// run alone: no allocation test or other client test runs beside them.
/// </summary>
[CollectionDefinition(nameof(ClientTelemetryCollection), DisableParallelization = true)]
public sealed class ClientTelemetryCollection;

