using System.Net;

namespace NsqAspire.Tools.Commands.ToHttp;

/// <summary>
/// The <c>--post</c> or <c>--get</c> addresses and the one pooled HTTP client that reaches them. POST sends the body with
/// <c>--content-type</c>; GET puts the body, query-escaped as Go's <c>url.QueryEscape</c>, where the address has
/// <c>%s</c>. Success is nsq_to_http's: a POST answered 2xx, a GET answered exactly 200; any other status, 4xx and 5xx
/// alike, or a transport error or timeout, is a failure (the message is requeued and tried again).
/// </summary>
internal sealed class HttpTargets : IDisposable
{
    private readonly HttpClient _client;
    private readonly bool _post;
    private readonly Uri?[] _postUris;
    private readonly string[] _getPrefixes;
    private readonly string[] _getSuffixes;
    private readonly string _contentType;
    private readonly KeyValuePair<string, string>[] _headers;
    private readonly string _userAgent = $"nsq_to_http v{ToolVersion.Nsq}";

    public HttpTargets(NsqToHttpOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _post = options.PostAddresses.Count > 0;
        Addresses = _post ? [.. options.PostAddresses] : [.. options.GetAddresses];
        _postUris = new Uri?[Addresses.Length];
        _getPrefixes = new string[Addresses.Length];
        _getSuffixes = new string[Addresses.Length];
        for (var i = 0; i < Addresses.Length; i++)
        {
            if (_post)
            {
                _postUris[i] = new Uri(Addresses[i], UriKind.Absolute);
                continue;
            }
            // Validated to hold exactly one %s; the rest of the address is taken as written (Go would also expand
            // other printf verbs in it, e.g. a %2F in the path, into "%!F(MISSING)").
            var at = Addresses[i].IndexOf("%s", StringComparison.Ordinal);
            _getPrefixes[i] = Addresses[i][..at];
            _getSuffixes[i] = Addresses[i][(at + 2)..];
        }
        _contentType = options.ContentType;
        _headers = [.. options.ParsedHeaders];
        _client = new HttpClient(new SocketsHttpHandler
        {
            ConnectTimeout = options.ConnectTimeout,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(90),
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
        })
        {
            Timeout = options.RequestTimeout,
        };
    }

    /// <summary>The addresses as given, in order.</summary>
    public string[] Addresses { get; }

    /// <summary>Delivers <paramref name="body"/> to address <paramref name="index"/>; null on success, else why it failed.</summary>
    public async Task<string?> SendAsync(int index, ReadOnlyMemory<byte> body)
    {
        using var request = _post
            ? new HttpRequestMessage(HttpMethod.Post, _postUris[index]) { Content = new ReadOnlyMemoryContent(body) }
            : new HttpRequestMessage(HttpMethod.Get, GoQueryEscape.Wrap(_getPrefixes[index], body.Span, _getSuffixes[index]));
        request.Headers.TryAddWithoutValidation("User-Agent", _userAgent);
        request.Content?.Headers.TryAddWithoutValidation("Content-Type", _contentType);
        foreach (var (name, value) in _headers) SetHeader(request, name, value);
        try
        {
            // The status line is all that matters; disposing the response drains a small body so the connection is reused.
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, CancellationToken.None)
                .ConfigureAwait(false);
            var status = (int)response.StatusCode;
            var ok = _post ? status is >= 200 and < 300 : status == 200;
            return ok ? null : $"got status code {status}";
        }
        catch (HttpRequestException ex)
        {
            return ex.Message;
        }
        catch (TaskCanceledException)
        {
            return $"request to {Addresses[index]} timed out";
        }
    }

    /// <summary>Go's <c>Header.Set</c>: a custom header replaces the tool's own (User-Agent, Content-Type).</summary>
    private static void SetHeader(HttpRequestMessage request, string name, string value)
    {
        if (!IsContentHeader(name))
        {
            request.Headers.Remove(name);
            request.Headers.TryAddWithoutValidation(name, value);
            return;
        }
        // A GET has no content to carry a content header.
        if (request.Content is not { } content) return;
        content.Headers.Remove(name);
        content.Headers.TryAddWithoutValidation(name, value);
    }

    private static bool IsContentHeader(string name) =>
        name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase) || name.Equals("Expires", StringComparison.OrdinalIgnoreCase)
            || name.Equals("Last-Modified", StringComparison.OrdinalIgnoreCase) || name.Equals("Allow", StringComparison.OrdinalIgnoreCase);

    public void Dispose() => _client.Dispose();
}
