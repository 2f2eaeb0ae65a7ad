using System.Net.Http.Headers;
using System.Text;

namespace Admin.Web.Tests.Auth;

/// <summary>Credentials and clients for the sign-in tests.</summary>
internal static class SignIn
{
    public const string Password = "s3cret-pw";

    public static AuthenticationHeaderValue Basic(string user, string password)
        => new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    /// <summary>A client of <paramref name="admin"/> sending <paramref name="authorization"/> (none when null).</summary>
    public static HttpClient Client(Uri admin, AuthenticationHeaderValue? authorization = null)
    {
        var http = new HttpClient { BaseAddress = admin, Timeout = TimeSpan.FromSeconds(10) };
        http.DefaultRequestHeaders.Authorization = authorization;
        return http;
    }

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
