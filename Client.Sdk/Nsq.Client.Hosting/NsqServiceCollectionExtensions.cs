using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Nsq.Client;
using Nsq.Client.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers NSQ clients in a service collection. Options are built in this order, each step overriding the previous:
/// the defaults, the configuration section (<c>Nsq:Producer</c> / <c>Nsq:Consumer</c> of the container's
/// <see cref="IConfiguration"/> unless one is passed), then the <c>configure</c> callback (options are records: return a
/// modified copy with <c>with</c>). The result is validated when first resolved; an invalid value throws an
/// <see cref="Options.OptionsValidationException"/> naming the key.
/// </summary>
public static class NsqServiceCollectionExtensions
{
    /// <summary>The configuration section producer options bind from by default.</summary>
    public const string ProducerSectionName = "Nsq:Producer";

    /// <summary>The configuration section consumer options bind from by default.</summary>
    public const string ConsumerSectionName = "Nsq:Consumer";

    /// <summary>The name of the producer health check.</summary>
    public const string ProducerHealthCheckName = "nsq-producer";

    /// <summary>The tags of every NSQ health check.</summary>
    public static readonly IReadOnlyList<string> HealthCheckTags = ["nsq", "ready"];

    /// <summary>
    /// Registers a singleton <see cref="NsqProducer"/> (disposed with the container), the traced
    /// <see cref="INsqPublisher"/> over it, and the <c>nsq-producer</c> health check. Options bind from
    /// <c>Nsq:Producer</c>.
    /// </summary>
    public static IServiceCollection AddNsqProducer(this IServiceCollection services, Func<NsqProducerOptions, NsqProducerOptions>? configure = null)
        => services.AddNsqProducer(configuration: null, configure);

    /// <summary>As <see cref="AddNsqProducer(IServiceCollection, Func{NsqProducerOptions, NsqProducerOptions}?)"/>, with
    /// options bound from <paramref name="configuration"/> (a section holding the option keys) instead.</summary>
    public static IServiceCollection AddNsqProducer(this IServiceCollection services, IConfiguration? configuration,
        Func<NsqProducerOptions, NsqProducerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        return AddProducerCore(services, sp => BuildProducerOptions(sp, configuration ?? DefaultSection(sp, ProducerSectionName), configure),
            healthCheck: true, healthCheckTimeout: null);
    }

    /// <summary>
    /// Registers a hosted consumer of <paramref name="topic"/>/<paramref name="channel"/>: each message is deserialized to
    /// <typeparamref name="TMessage"/> and handled by a <typeparamref name="THandler"/> resolved from a new DI scope (FIN
    /// when it returns, REQ when it throws). Host shutdown stops it gracefully. Adds the
    /// <c>nsq-consumer-{topic}-{channel}</c> health check. Options bind from <c>Nsq:Consumer</c>.
    /// </summary>
    /// <typeparam name="TMessage">The message body type.</typeparam>
    /// <typeparam name="THandler">The handler, registered as scoped unless already registered.</typeparam>
    public static IServiceCollection AddNsqConsumer<TMessage, THandler>(this IServiceCollection services, string topic, string channel,
        Func<NsqConsumerOptions, NsqConsumerOptions>? configure = null)
        where THandler : class, INsqHandler<TMessage>
        => services.AddNsqConsumer<TMessage, THandler>(topic, channel, configuration: null, configure);

    /// <summary>As <see cref="AddNsqConsumer{TMessage, THandler}(IServiceCollection, string, string, Func{NsqConsumerOptions, NsqConsumerOptions}?)"/>,
    /// with options bound from <paramref name="configuration"/> (a section holding the option keys) instead.</summary>
    public static IServiceCollection AddNsqConsumer<TMessage, THandler>(this IServiceCollection services, string topic, string channel,
        IConfiguration? configuration, Func<NsqConsumerOptions, NsqConsumerOptions>? configure = null)
        where THandler : class, INsqHandler<TMessage>
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentException.ThrowIfNullOrEmpty(channel);
        return AddConsumerCore<TMessage, THandler>(services, topic, channel,
            sp => BuildConsumerOptions(sp, topic, channel, configuration ?? DefaultSection(sp, ConsumerSectionName), configure),
            healthCheck: true, healthCheckTimeout: null);
    }

    internal static IServiceCollection AddProducerCore(IServiceCollection services, Func<IServiceProvider, NsqProducerOptions> options,
        bool healthCheck, TimeSpan? healthCheckTimeout)
    {
        if (services.Any(static d => d.ServiceType == typeof(NsqProducer) && !d.IsKeyedService))
            throw new InvalidOperationException("an NsqProducer is already registered; register one producer per container");
        services.AddSingleton(sp => new NsqProducer(options(sp)));
        services.TryAddSingleton<INsqPublisher, NsqPublisher>();
        if (healthCheck)
        {
            services.AddHealthChecks().Add(new HealthCheckRegistration(ProducerHealthCheckName,
                static sp => new NsqProducerHealthCheck(sp.GetRequiredService<NsqProducer>()),
                HealthStatus.Unhealthy, HealthCheckTags, healthCheckTimeout));
        }
        return services;
    }

    internal static IServiceCollection AddConsumerCore<TMessage, THandler>(IServiceCollection services, string topic, string channel,
        Func<IServiceProvider, NsqConsumerOptions> options, bool healthCheck, TimeSpan? healthCheckTimeout)
        where THandler : class, INsqHandler<TMessage>
    {
        services.TryAddScoped<THandler>();
        // One instance per registration, even for the same TMessage/THandler on several topics: keyed by a fresh key.
        var key = new object();
        services.AddKeyedSingleton(key, (sp, _) => new NsqConsumerService<TMessage, THandler>(
            options(sp), sp.GetRequiredService<IServiceScopeFactory>(),
            (sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger<NsqConsumerService<TMessage, THandler>>()));
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredKeyedService<NsqConsumerService<TMessage, THandler>>(key));
        if (healthCheck)
        {
            services.AddHealthChecks().Add(new HealthCheckRegistration(ConsumerHealthCheckName(topic, channel),
                sp => new NsqConsumerHealthCheck<TMessage, THandler>(sp.GetRequiredKeyedService<NsqConsumerService<TMessage, THandler>>(key)),
                HealthStatus.Unhealthy, HealthCheckTags, healthCheckTimeout));
        }
        return services;
    }

    /// <summary>The name of the health check of the consumer of <paramref name="topic"/>/<paramref name="channel"/>.</summary>
    public static string ConsumerHealthCheckName(string topic, string channel) => $"nsq-consumer-{topic}-{channel}";

    internal static NsqProducerOptions BuildProducerOptions(IServiceProvider sp, IConfiguration? section,
        Func<NsqProducerOptions, NsqProducerOptions>? configure, IReadOnlyList<string>? nsqd = null)
    {
        var options = NsqOptionsBinder.Bind(section, new NsqProducerOptions { LoggerFactory = LoggerFactory(sp) });
        if (nsqd is not null) options = options with { NsqdTcpAddresses = nsqd };
        options = configure?.Invoke(options) ?? options;
        return NsqOptionsBinder.Validate(options, SourceName(section, ProducerSectionName));
    }

    internal static NsqConsumerOptions BuildConsumerOptions(IServiceProvider sp, string topic, string channel, IConfiguration? section,
        Func<NsqConsumerOptions, NsqConsumerOptions>? configure, NsqConnectionString? connection = null)
    {
        var options = new NsqConsumerOptions { Topic = topic, Channel = channel, LoggerFactory = LoggerFactory(sp) };
        // Topic and channel are the registration's, whatever the section says.
        options = NsqOptionsBinder.Bind(section, options) with { Topic = topic, Channel = channel };
        if (connection is not null)
            options = options with { NsqdTcpAddresses = connection.NsqdTcpAddresses, LookupdHttpAddresses = connection.LookupdHttpAddresses };
        options = configure?.Invoke(options) ?? options;
        return NsqOptionsBinder.Validate(options, SourceName(section, ConsumerSectionName));
    }

    private static IConfiguration? DefaultSection(IServiceProvider sp, string name) => sp.GetService<IConfiguration>()?.GetSection(name);

    private static ILoggerFactory LoggerFactory(IServiceProvider sp) => sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;

    private static string SourceName(IConfiguration? section, string fallback) => (section as IConfigurationSection)?.Path ?? fallback;
}
