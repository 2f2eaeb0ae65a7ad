using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Nsq.Client;
using Nsq.Client.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The Aspire client integration for NSQ: reads the connection string an AppHost hands over
/// (<c>ConnectionStrings:&lt;connectionName&gt;</c>, e.g. from <c>WithReference(nsqCluster)</c>), the settings in
/// <c>Nsq:Client:&lt;connectionName&gt;</c> (<see cref="NsqClientSettings"/>, options in its <c>Producer</c> /
/// <c>Consumer</c> subsections), registers the clients, their health checks, and the <see cref="NsqClientTelemetry"/>
/// source and meter with OpenTelemetry so the Aspire dashboard shows them.
/// </summary>
public static class NsqAspireClientExtensions
{
    /// <summary>The configuration section holding one <see cref="NsqClientSettings"/> per connection name.</summary>
    public const string DefaultConfigSectionName = "Nsq:Client";

    /// <summary>
    /// Registers the <see cref="NsqProducer"/> (and <see cref="INsqPublisher"/>) publishing to the nsqd listed by the
    /// connection string <paramref name="connectionName"/>, its health check and telemetry.
    /// </summary>
    /// <param name="builder">The host builder.</param>
    /// <param name="connectionName">The connection string name (the AppHost resource name).</param>
    /// <param name="configureSettings">Last say over the settings.</param>
    /// <param name="configureOptions">Last say over the producer options.</param>
    /// <exception cref="InvalidOperationException">No connection string, or one without nsqd addresses.</exception>
    /// <exception cref="FormatException">The connection string is malformed.</exception>
    public static IHostApplicationBuilder AddNsqProducer(this IHostApplicationBuilder builder, string connectionName,
        Action<NsqClientSettings>? configureSettings = null, Func<NsqProducerOptions, NsqProducerOptions>? configureOptions = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var (settings, connection, section) = ReadSettings(builder, connectionName, configureSettings);
        if (connection.NsqdTcpAddresses.Count == 0)
            throw new InvalidOperationException($"The NSQ connection string '{connectionName}' lists no nsqd; a producer publishes to nsqd directly ({NsqConnectionString.NsqdKey}=host:4150).");
        NsqServiceCollectionExtensions.AddProducerCore(builder.Services,
            sp => NsqServiceCollectionExtensions.BuildProducerOptions(sp, section.GetSection("Producer"), configureOptions, connection.NsqdTcpAddresses),
            !settings.DisableHealthChecks, settings.HealthCheckTimeout);
        AddTelemetry(builder, settings);
        return builder;
    }

    /// <summary>
    /// Registers a hosted consumer of <paramref name="topic"/>/<paramref name="channel"/> handled by
    /// <typeparamref name="THandler"/> (see <see cref="NsqServiceCollectionExtensions.AddNsqConsumer{TMessage, THandler}(IServiceCollection, string, string, Func{NsqConsumerOptions, NsqConsumerOptions}?)"/>),
    /// its health check and telemetry. With lookupd addresses in the connection string it discovers the nsqd that have
    /// the topic through them; otherwise it subscribes on every nsqd listed.
    /// </summary>
    /// <typeparam name="TMessage">The message body type.</typeparam>
    /// <typeparam name="THandler">The handler, registered as scoped unless already registered.</typeparam>
    /// <param name="builder">The host builder.</param>
    /// <param name="connectionName">The connection string name (the AppHost resource name).</param>
    /// <param name="topic">The topic to subscribe to.</param>
    /// <param name="channel">The channel to subscribe as.</param>
    /// <param name="configureSettings">Last say over the settings.</param>
    /// <param name="configureOptions">Last say over the consumer options.</param>
    /// <exception cref="InvalidOperationException">No connection string.</exception>
    /// <exception cref="FormatException">The connection string is malformed.</exception>
    public static IHostApplicationBuilder AddNsqConsumer<TMessage, THandler>(this IHostApplicationBuilder builder, string connectionName,
        string topic, string channel, Action<NsqClientSettings>? configureSettings = null,
        Func<NsqConsumerOptions, NsqConsumerOptions>? configureOptions = null)
        where THandler : class, INsqHandler<TMessage>
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentException.ThrowIfNullOrEmpty(channel);
        var (settings, connection, section) = ReadSettings(builder, connectionName, configureSettings);
        NsqServiceCollectionExtensions.AddConsumerCore<TMessage, THandler>(builder.Services, topic, channel,
            sp => NsqServiceCollectionExtensions.BuildConsumerOptions(sp, topic, channel, section.GetSection("Consumer"), configureOptions, connection),
            !settings.DisableHealthChecks, settings.HealthCheckTimeout);
        AddTelemetry(builder, settings);
        return builder;
    }

    private static (NsqClientSettings Settings, NsqConnectionString Connection, IConfigurationSection Section) ReadSettings(
        IHostApplicationBuilder builder, string connectionName, Action<NsqClientSettings>? configure)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionName);
        var section = builder.Configuration.GetSection($"{DefaultConfigSectionName}:{connectionName}");
        var settings = new NsqClientSettings();
        section.Bind(settings);
        if (builder.Configuration.GetConnectionString(connectionName) is { Length: > 0 } connectionString)
            settings.ConnectionString = connectionString;
        configure?.Invoke(settings);
        if (string.IsNullOrWhiteSpace(settings.ConnectionString))
        {
            throw new InvalidOperationException(
                $"The NSQ connection string '{connectionName}' is missing: set 'ConnectionStrings:{connectionName}' or '{section.Path}:ConnectionString' (e.g. nsqd=host:4150;lookupd=http://host:4161).");
        }
        return (settings, NsqConnectionString.Parse(settings.ConnectionString), section);
    }

    private static void AddTelemetry(IHostApplicationBuilder builder, NsqClientSettings settings)
    {
        var telemetry = builder.Services.AddOpenTelemetry();
        if (!settings.DisableTracing) telemetry.WithTracing(static t => t.AddSource(NsqClientTelemetry.ActivitySourceName));
        if (!settings.DisableMetrics) telemetry.WithMetrics(static m => m.AddMeter(NsqClientTelemetry.MeterName));
    }
}
