using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Nsq.Client;
using Nsq.Client.Hosting;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Registers NSQ clients in an <see cref="IHostApplicationBuilder"/>, in the shape of the Aspire client integrations:
/// options bind from the <c>Nsq:Producer</c> / <c>Nsq:Consumer</c> configuration sections, then from the connection
/// string <c>ConnectionStrings:&lt;connectionName&gt;</c> (<c>host:port</c>, <c>tcp://host:port</c>, or a comma list),
/// then the <c>configure</c> callback (options are records: return a modified copy with <c>with</c>).
/// </summary>
public static class NsqClientHostingExtensions
{
    /// <summary>The configuration section the producer options bind from.</summary>
    public const string ProducerSectionName = "Nsq:Producer";

    /// <summary>The configuration section the consumer options bind from.</summary>
    public const string ConsumerSectionName = "Nsq:Consumer";

    /// <summary>The name of the producer health check.</summary>
    public const string ProducerHealthCheckName = "nsq-producer";

    /// <summary>
    /// Registers a singleton <see cref="NsqProducer"/> and the <c>nsq-producer</c> health check (Healthy when it can
    /// connect to an nsqd).
    /// </summary>
    /// <param name="builder">The host builder.</param>
    /// <param name="connectionName">The connection string name holding the nsqd TCP address(es).</param>
    /// <param name="configure">Last say over the options.</param>
    public static IHostApplicationBuilder AddNsqProducer(
        this IHostApplicationBuilder builder,
        string connectionName = "nsqd",
        Func<NsqProducerOptions, NsqProducerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(connectionName);
        var configuration = builder.Configuration;
        builder.Services.TryAddSingleton(sp =>
        {
            var section = configuration.GetSection(ProducerSectionName);
            var options = new NsqProducerOptions { LoggerFactory = sp.GetRequiredService<ILoggerFactory>() };
            section.Bind(options);
            if (Addresses(section, nameof(NsqProducerOptions.NsqdTcpAddresses)) is { } fromSection)
                options = options with { NsqdTcpAddresses = fromSection };
            if (configuration.GetConnectionString(connectionName) is { Length: > 0 } cs)
                options = options with { NsqdTcpAddresses = NsqConnectionString.ParseTcp(cs) };
            return new NsqProducer(configure?.Invoke(options) ?? options);
        });
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            ProducerHealthCheckName,
            static sp => new NsqProducerHealthCheck(sp.GetRequiredService<NsqProducer>()),
            failureStatus: HealthStatus.Unhealthy,
            tags: ["nsq", "ready"]));
        return builder;
    }

    /// <summary>
    /// Registers a hosted consumer of <paramref name="topic"/>/<paramref name="channel"/>: each message is deserialized to
    /// <typeparamref name="TMessage"/> and handled by a <typeparamref name="THandler"/> resolved from a new DI scope
    /// (FIN on return, REQ on exception). nsqd addresses come from <c>ConnectionStrings:&lt;connectionName&gt;</c>, lookupd
    /// HTTP addresses from <c>ConnectionStrings:&lt;connectionName&gt;-lookupd</c>. Host shutdown stops it gracefully.
    /// </summary>
    /// <typeparam name="TMessage">The message body type.</typeparam>
    /// <typeparam name="THandler">The handler, registered as scoped unless already registered.</typeparam>
    /// <param name="builder">The host builder.</param>
    /// <param name="topic">The topic to subscribe to.</param>
    /// <param name="channel">The channel to subscribe on.</param>
    /// <param name="connectionName">The connection string name holding the nsqd TCP address(es).</param>
    /// <param name="configure">Last say over the options.</param>
    public static IHostApplicationBuilder AddNsqConsumer<TMessage, THandler>(
        this IHostApplicationBuilder builder,
        string topic,
        string channel,
        string connectionName = "nsqd",
        Func<NsqConsumerOptions, NsqConsumerOptions>? configure = null)
        where THandler : class, INsqHandler<TMessage>
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentException.ThrowIfNullOrEmpty(channel);
        ArgumentException.ThrowIfNullOrEmpty(connectionName);
        var configuration = builder.Configuration;
        builder.Services.TryAddScoped<THandler>();
        builder.Services.AddSingleton<IHostedService>(sp =>
        {
            var section = configuration.GetSection(ConsumerSectionName);
            var options = new NsqConsumerOptions
            {
                Topic = topic,
                Channel = channel,
                LoggerFactory = sp.GetRequiredService<ILoggerFactory>(),
            };
            section.Bind(options);
            options = options with { Topic = topic, Channel = channel };
            var nsqd = Addresses(section, nameof(NsqConsumerOptions.NsqdTcpAddresses));
            if (nsqd is not null) options = options with { NsqdTcpAddresses = nsqd };
            if (Addresses(section, nameof(NsqConsumerOptions.LookupdHttpAddresses)) is { } lookupd)
                options = options with { LookupdHttpAddresses = lookupd };
            if (configuration.GetConnectionString(connectionName) is { Length: > 0 } cs)
                options = options with { NsqdTcpAddresses = NsqConnectionString.ParseTcp(cs) };
            if (configuration.GetConnectionString(connectionName + "-lookupd") is { Length: > 0 } lcs)
            {
                options = options with { LookupdHttpAddresses = NsqConnectionString.ParseHttp(lcs) };
                // Discovery only, unless nsqd addresses were given too: drop the 127.0.0.1:4150 default.
                if (nsqd is null && configuration.GetConnectionString(connectionName) is not { Length: > 0 })
                    options = options with { NsqdTcpAddresses = [] };
            }
            return ActivatorUtilities.CreateInstance<NsqConsumerService<TMessage, THandler>>(sp, configure?.Invoke(options) ?? options);
        });
        return builder;
    }

    // The binder appends to a list that already has defaults; read the list on its own so configuration replaces it.
    private static string[]? Addresses(IConfigurationSection section, string key)
        => section.GetSection(key).Get<string[]>() is { Length: > 0 } list ? list : null;
}
