using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using StackExchange.Redis;
using Testcontainers.Redis;

namespace Lookup.Core.Tests.Redis;

/// <summary>
/// One real Redis server for every Redis test: a Testcontainers container when a Docker engine answers (DOCKER_HOST set,
/// or /var/run/docker.sock accepts a connection), else Debian's <c>redis-server</c> as a child process on a free port
/// (no persistence), killed on dispose. Tests share it and isolate themselves with <see cref="NewPrefix"/>.
/// </summary>
public sealed class RedisServerFixture : IAsyncLifetime
{
    private RedisContainer? _container;
    private Process? _process;
    private readonly StringBuilder _processOutput = new();

    /// <summary>A StackExchange.Redis connection string for the server.</summary>
    public string ConnectionString { get; private set; } = "";

    /// <summary>How the server was started (for test output).</summary>
    public string Kind { get; private set; } = "";

    /// <summary>A key prefix no other test uses.</summary>
    public static string NewPrefix() => $"test-{Guid.NewGuid():N}:";

    /// <summary>A new multiplexer (one per simulated lookup replica); the caller disposes it.</summary>
    public async Task<ConnectionMultiplexer> ConnectAsync()
        => await ConnectionMultiplexer.ConnectAsync(ConnectionString + ",abortConnect=false,connectTimeout=5000");

    public async Task InitializeAsync()
    {
        if (await DockerAnswersAsync())
        {
            try
            {
                _container = new RedisBuilder("redis:7.0").Build();
                await _container.StartAsync();
                ConnectionString = _container.GetConnectionString();
                Kind = "testcontainers";
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Docker looked reachable but cannot run the container: fall back to a local process.
                if (_container is not null) await _container.DisposeAsync();
                _container = null;
            }
        }

        await StartProcessAsync();
    }

    public async Task DisposeAsync()
    {
        if (_container is not null) await _container.DisposeAsync();
        if (_process is not null)
        {
            try
            {
                if (!_process.HasExited) _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
            catch (TimeoutException)
            {
                // Nothing more to do.
            }
            _process.Dispose();
        }
    }

    private static async Task<bool> DockerAnswersAsync()
    {
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOCKER_HOST"))) return true;
        const string socketPath = "/var/run/docker.sock";
        if (!File.Exists(socketPath)) return false;
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), timeout.Token);
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    private static string FindRedisServer()
    {
        var candidates = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "redis-server"))
            .Prepend("/usr/bin/redis-server");
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException(
                "The Redis tests need a Docker engine or a local redis-server, and neither is available: " +
                "install it with `apt-get install redis-server` (test.sh does this).");
    }

    private async Task StartProcessAsync()
    {
        var executable = FindRedisServer();
        for (var attempt = 1; ; attempt++)
        {
            var port = Ports.FreePort();
            var process = new Process
            {
                StartInfo = new ProcessStartInfo(executable)
                {
                    ArgumentList = { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" },
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    UseShellExecute = false,
                },
            };
            process.OutputDataReceived += (_, e) => Append(e.Data);
            process.ErrorDataReceived += (_, e) => Append(e.Data);
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();

            if (await WaitForPingAsync(process, port, TimeSpan.FromSeconds(10)))
            {
                _process = process;
                ConnectionString = $"127.0.0.1:{port}";
                Kind = "redis-server process";
                return;
            }

            if (!process.HasExited) process.Kill(entireProcessTree: true);
            process.Dispose();
            if (attempt == 3)
            {
                string output;
                lock (_processOutput) output = _processOutput.ToString();
                throw new InvalidOperationException($"redis-server did not answer PING; its output:\n{output}");
            }
        }
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_processOutput) _processOutput.AppendLine(line);
    }

    private static async Task<bool> WaitForPingAsync(Process process, int port, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var buffer = new byte[64];
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                var stream = client.GetStream();
                await stream.WriteAsync("PING\r\n"u8.ToArray());
                using var readTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                var n = await stream.ReadAsync(buffer, readTimeout.Token);
                if (Encoding.ASCII.GetString(buffer, 0, n).StartsWith("+PONG", StringComparison.Ordinal)) return true;
            }
            catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
            {
                // Not up yet.
            }
            await Task.Delay(20);
        }
        return false;
    }
}

/// <summary>Every Redis test class joins this collection to share one server.</summary>
[CollectionDefinition(Name)]
public sealed class RedisServerGroup : ICollectionFixture<RedisServerFixture>
{
    public const string Name = "Redis server";
}
