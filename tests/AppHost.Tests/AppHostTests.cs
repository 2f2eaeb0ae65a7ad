using System.Buffers;
using System.Net.Sockets;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Nsq.Protocol.V2;

namespace AppHost.Tests;

/// <summary>
/// Boots the real AppHost (DCP, no Docker) and checks that the broker it starts is healthy and speaks NSQ on the
/// endpoints the AppHost gave it.
/// </summary>
public sealed class AppHostTests : IAsyncLifetime
{
    private readonly string _dataRoot = Path.Combine(Path.GetTempPath(), "nsqaspire-apphost-" + Guid.NewGuid().ToString("N"));
    private DistributedApplication? _app;

    public async Task InitializeAsync()
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.NsqAspire_AppHost>(
            ["--DcpPublisher:WaitForResourceCleanup=false", $"--Nsq:DataRoot={_dataRoot}"]);
        _app = await builder.BuildAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await _app.StartAsync(cts.Token);
        await _app.ResourceNotifications.WaitForResourceHealthyAsync("nsqd0", cts.Token);
    }

    [Fact]
    public async Task Broker_answers_ping_and_the_tcp_protocol()
    {
        using var http = _app!.CreateHttpClient("nsqd0", "http");
        Assert.Equal("OK", await http.GetStringAsync(new Uri("/ping", UriKind.Relative)));

        var tcp = _app!.GetEndpoint("nsqd0", "tcp");
        using var client = new TcpClient();
        await client.ConnectAsync(tcp.Host, tcp.Port);
        var stream = client.GetStream();
        var w = new ArrayBufferWriter<byte>();
        w.Write(ProtocolMagic.V2);
        CommandWriter.Pub(w, "apphost", "hello"u8);
        await stream.WriteAsync(w.WrittenMemory);
        var frame = new byte[10];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await stream.ReadExactlyAsync(frame, cts.Token);
        Assert.Equal(new byte[] { 0, 0, 0, 6, 0, 0, 0, 0, (byte)'O', (byte)'K' }, frame);
    }

    [Fact]
    public async Task Health_and_liveness_endpoints_answer()
    {
        using var http = _app!.CreateHttpClient("nsqd0", "http");
        Assert.True((await http.GetAsync(new Uri("/health", UriKind.Relative))).IsSuccessStatusCode);
        Assert.True((await http.GetAsync(new Uri("/alive", UriKind.Relative))).IsSuccessStatusCode);
    }

    public async Task DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
        try { Directory.Delete(_dataRoot, recursive: true); } catch (IOException) { }
    }
}
