using System.Buffers;
using Microsoft.AspNetCore.Http;

namespace Nsqd.Core.Http;

/// <summary>
/// Reads request bodies the way nsqd's <c>io.LimitReader(body, max+1)</c> does: at most <c>limit + 1</c> bytes, so that
/// "exactly limit+1 read" means "too big" without reading the rest.
/// </summary>
internal static class RequestBody
{
    private const int ChunkedInitialSize = 16 * 1024;

    /// <summary>
    /// A single message body (/pub): with a Content-Length it is read straight into an array of that size; a chunked body
    /// goes through a pooled buffer of up to <paramref name="limit"/>+1 bytes and is copied once. Null when too big.
    /// </summary>
    public static async Task<byte[]?> ReadMessageAsync(HttpRequest request, int limit)
    {
        if (request.ContentLength is { } length and <= int.MaxValue && length <= limit)
        {
            if (length == 0) return [];
            var body = GC.AllocateUninitializedArray<byte>((int)length);
            await request.Body.ReadExactlyAsync(body, request.HttpContext.RequestAborted).ConfigureAwait(false);
            return body;
        }
        var rented = await ReadPooledAsync(request, limit).ConfigureAwait(false);
        try
        {
            return rented.Exceeded ? null : rented.Span.ToArray();
        }
        finally
        {
            rented.Dispose();
        }
    }

    /// <summary>
    /// Up to <paramref name="limit"/>+1 bytes in a pooled buffer (the caller disposes it). <see cref="PooledBody.Exceeded"/>
    /// is set when the body is longer than the limit — also when Kestrel's own body-size limit stopped a chunked body
    /// before limit+1 bytes could be read.
    /// </summary>
    public static async Task<PooledBody> ReadPooledAsync(HttpRequest request, int limit)
    {
        var max = limit + 1;
        var size = request.ContentLength is { } cl ? (int)Math.Min(cl, max) : Math.Min(ChunkedInitialSize, max);
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(size, 1));
        var n = 0;
        var exceeded = false;
        try
        {
            while (n < max)
            {
                if (n == buffer.Length)
                {
                    var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, max));
                    buffer.AsSpan(0, n).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }
                var read = await request.Body.ReadAsync(buffer.AsMemory(n, Math.Min(buffer.Length, max) - n), request.HttpContext.RequestAborted)
                    .ConfigureAwait(false);
                if (read == 0) break;
                n += read;
            }
            exceeded = n > limit;
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            exceeded = true;
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
        return new PooledBody(buffer, Math.Min(n, limit + 1), exceeded);
    }
}

/// <summary>A body held in a rented array; <see cref="Dispose"/> returns it.</summary>
internal readonly struct PooledBody(byte[] buffer, int length, bool exceeded) : IDisposable
{
    public int Length { get; } = length;
    /// <summary>The body is longer than the limit (the buffer holds a prefix of it).</summary>
    public bool Exceeded { get; } = exceeded;
    public ReadOnlySpan<byte> Span => buffer.AsSpan(0, Length);
    public void Dispose() => ArrayPool<byte>.Shared.Return(buffer);
}
