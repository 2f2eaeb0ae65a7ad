using System.Text.Json;
using Nsqd.Core.Tests.Http;
using Nsqd.Core.Tests.Infrastructure;
using static Nsqd.Core.Tests.Infrastructure.ProtocolAssertions;

namespace Nsqd.Core.Tests.Policies;

/// <summary>Settings live in nsqd.dat: they survive a clean restart and, in durable mode, kill -9 with a dead letter in hand.</summary>
public sealed class PolicyPersistenceTests : IDisposable
{
    private const string Settings = """{"max_attempts":1,"dead_letter_topic":"keep.dead","message_ttl_ms":600000,"max_depth":500}""";

    private readonly TempDirectory _data = new("nsqd-policies");

    [Fact]
    public async Task Settings_survive_a_clean_restart_and_are_written_only_for_channels_that_have_some()
    {
        await using var broker = await TestBroker.StartAsync();
        using (var http = broker.HttpClient())
        {
            await http.CreateChannelAsync("keep", "set");
            await http.CreateChannelAsync("keep", "plain");
            await http.SetConfigAsync("keep", "set", Settings);
        }
        using (var md = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(broker.DataPath, "nsqd.dat"))))
        {
            var channels = md.RootElement.GetProperty("topics")[0].GetProperty("channels").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!);
            Assert.Equal(Settings, channels["set"].GetProperty("config").GetRawText());
            Assert.False(channels["plain"].TryGetProperty("config", out _));
        }

        await broker.RestartAsync();
        using var again = broker.HttpClient();
        Assert.Equal(Settings, await again.GetConfigTextAsync("keep", "set"));
        Assert.Equal("""{"max_attempts":0,"dead_letter_topic":"","message_ttl_ms":0,"max_depth":0}""", await again.GetConfigTextAsync("keep", "plain"));
        Assert.Equal(0, (await again.ChannelStatsAsync("keep", "set")).GetProperty("dead_letter_count").GetInt64());
    }

    [Fact]
    public async Task In_durable_mode_settings_and_a_dead_lettered_message_survive_kill_9()
    {
        await using (var nsqd = await NsqdProcess.StartAsync(_data.Path, "--durability=durable"))
        {
            using var http = Http(nsqd);
            await http.CreateChannelAsync("keep", "c");
            await http.CreateChannelAsync("keep.dead", "d");
            await http.SetConfigAsync("keep", "c", Settings);
            await using var pub = await RawClient.ConnectAsync(nsqd.Tcp);
            await pub.PublishAsync("keep", "poison");
            await using var sub = await RawClient.ConnectAsync(nsqd.Tcp);
            await sub.SubscribeAsync("keep", "c", rdy: 1);
            var m = await sub.ReadMessageAsync(TimeSpan.FromSeconds(10));
            await sub.ReqAsync(m.Id, 0); // max_attempts 1: dead-lettered
            await HttpAssert.EventuallyAsync(async () => (await http.ChannelStatsAsync("keep.dead", "d")).GetProperty("depth").GetInt64() == 1,
                "the dead letter on keep.dead/d");
            await nsqd.KillAsync();
        }

        await using (var nsqd = await NsqdProcess.StartAsync(_data.Path, "--durability=durable"))
        {
            using var http = Http(nsqd);
            Assert.Equal(Settings, await http.GetConfigTextAsync("keep", "c"));
            await using var dead = await RawClient.ConnectAsync(nsqd.Tcp);
            await dead.SubscribeAsync("keep.dead", "d", rdy: 10);
            var m = await dead.ReadMessageAsync(TimeSpan.FromSeconds(10));
            Assert.Equal("poison", m.Text());
            // At-least-once: the original may come back once more on keep/c if the kill beat the release of its record,
            // but it is never lost, and a second dead letter is all it can become.
            await dead.FinAsync(m.Id);
            await dead.AssertNothingWithinAsync(Short);
        }
    }

    private static HttpClient Http(NsqdProcess nsqd)
        => new() { BaseAddress = new Uri($"http://127.0.0.1:{nsqd.HttpPort}/"), Timeout = TimeSpan.FromSeconds(10) };

    public void Dispose() => _data.Dispose();
}
