using System.Collections.Concurrent;
using System.IO.Compression;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Nsq.TestUtilities.Telemetry;

/// <summary>
/// An OTLP/HTTP receiver on 127.0.0.1 (port 0), standing where the Aspire dashboard would: processes export to
/// <see cref="Endpoint"/> with <c>OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf</c>. Traces (<c>POST /v1/traces</c>) are
/// decoded into <see cref="Spans"/>; metrics and logs are accepted and dropped so the exporters do not retry.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedSpan> _spans = new();

    private OtlpReceiver(WebApplication app) => _app = app;

    /// <summary>The base URL for <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (the exporters append <c>/v1/traces</c>).</summary>
    public Uri Endpoint { get; private set; } = null!;

    /// <summary>Every span received so far, in arrival order.</summary>
    public IReadOnlyList<ReceivedSpan> Spans => [.. _spans];

    /// <summary>Requests whose body did not decode (a bug in the decoder or the exporter); the tests expect none.</summary>
    public ConcurrentQueue<string> Errors { get; } = new();

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        app.MapPost("/v1/traces", receiver.ReceiveTracesAsync);
        app.MapPost("/v1/metrics", Accept);
        app.MapPost("/v1/logs", Accept);
        await app.StartAsync().ConfigureAwait(false);
        receiver.Endpoint = new Uri(app.Urls.First());
        return receiver;
    }

    private async Task ReceiveTracesAsync(HttpContext context)
    {
        var body = await ReadBodyAsync(context.Request).ConfigureAwait(false);
        try
        {
            foreach (var span in OtlpTraceDecoder.Decode(body)) _spans.Enqueue(span);
        }
        catch (InvalidDataException ex)
        {
            Errors.Enqueue(ex.Message);
        }
        await Accept(context).ConfigureAwait(false);
    }

    /// <summary>200 with an empty Export*ServiceResponse (an empty protobuf message is zero bytes).</summary>
    private static Task Accept(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/x-protobuf";
        return Task.CompletedTask;
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        // OTEL_EXPORTER_OTLP_COMPRESSION=gzip is allowed by the spec; the .NET exporter does not compress by default.
        var source = string.Equals(request.Headers.ContentEncoding, "gzip", StringComparison.OrdinalIgnoreCase)
            ? new GZipStream(request.Body, CompressionMode.Decompress, leaveOpen: true)
            : request.Body;
        await source.CopyToAsync(buffer).ConfigureAwait(false);
        if (!ReferenceEquals(source, request.Body)) await source.DisposeAsync().ConfigureAwait(false);
        return buffer.ToArray();
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
