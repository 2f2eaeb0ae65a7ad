using Nsq.Protocol.Http;

namespace Admin.Core.Cluster;

/// <summary>Turns an upstream's non-success answer into an error that keeps its status and nsqd's <c>message</c>
/// (<c>401 AUTH_REQUIRED</c>), where <see cref="HttpResponseMessage.EnsureSuccessStatusCode"/> would keep neither.</summary>
internal static class UpstreamAnswer
{
    /// <summary>Throws <see cref="HttpRequestException"/> (with <see cref="HttpRequestException.StatusCode"/>) unless the
    /// answer is a success.</summary>
    public static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode) return;
        throw new HttpRequestException(await DescribeAsync(response, ct).ConfigureAwait(false), null, response.StatusCode);
    }

    /// <summary><c>401 AUTH_REQUIRED</c>: the status and the body's message.</summary>
    public static async Task<string> DescribeAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var message = ErrorResponse.MessageOf(await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false));
        return $"{(int)response.StatusCode} {message}";
    }

    /// <summary>The error of <paramref name="name"/> for a failure caught while calling it.</summary>
    public static UpstreamError Of(string name, Exception ex)
        => new($"{name}: {ex.Message}", (ex as HttpRequestException)?.StatusCode);

    /// <summary>The error of <paramref name="name"/> for an answer it gave.</summary>
    public static async Task<UpstreamError> OfAsync(string name, HttpResponseMessage response, CancellationToken ct)
        => new($"{name}: {await DescribeAsync(response, ct).ConfigureAwait(false)}", response.StatusCode);
}
