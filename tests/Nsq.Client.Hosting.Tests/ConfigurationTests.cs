using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using static Nsq.Client.Hosting.Tests.HostingTestHelpers;

namespace Nsq.Client.Hosting.Tests;

/// <summary>Registration and options: what binds from where, what wins, and the errors bad configuration gets.</summary>
public sealed class ConfigurationTests
{
    [Fact]
    public void Producer_options_bind_from_the_default_section_and_the_callback_has_the_last_word()
    {
        var builder = Builder(
            ("Nsq:Producer:NsqdTcpAddresses:0", "10.0.0.1:4150"),
            ("Nsq:Producer:NsqdTcpAddresses:1", "10.0.0.2:4150"),
            ("Nsq:Producer:PublishTimeout", "00:00:03"),
            ("Nsq:Producer:ClientId", "from-config"));
        builder.Services.AddNsqProducer(o => o with { ClientId = "from-code" });
        using var host = builder.Build();
        var producer = host.Services.GetRequiredService<NsqProducer>();
        Assert.Equal(["10.0.0.1:4150", "10.0.0.2:4150"], producer.Options.NsqdTcpAddresses);
        Assert.Equal(TimeSpan.FromSeconds(3), producer.Options.PublishTimeout);
        Assert.Equal("from-code", producer.Options.ClientId);
        Assert.Same(producer, host.Services.GetRequiredService<NsqProducer>());
        Assert.IsType<NsqPublisher>(host.Services.GetRequiredService<INsqPublisher>());
    }

    [Fact]
    public void Consumer_options_bind_from_a_given_section_and_keep_the_registered_topic_and_channel()
    {
        var builder = Builder(
            ("Orders:Topic", "ignored"),
            ("Orders:MaxInFlight", "25"),
            ("Orders:MaxAttempts", "3"),
            ("Orders:LookupdHttpAddresses:0", "http://127.0.0.1:4161"));
        builder.Services.AddSingleton<Received>();
        builder.Services.AddNsqConsumer<Order, OrderHandler>("orders", "billing", builder.Configuration.GetSection("Orders"));
        using var host = builder.Build();
        var service = Assert.Single(host.Services.GetServices<IHostedService>().OfType<NsqConsumerService<Order, OrderHandler>>());
        Assert.Equal(("orders", "billing"), (service.Options.Topic, service.Options.Channel));
        Assert.Equal(25, service.Options.MaxInFlight);
        Assert.Equal(3, service.Options.MaxAttempts);
        Assert.Equal(["http://127.0.0.1:4161"], service.Options.LookupdHttpAddresses);
        using var scope = host.Services.CreateScope();
        Assert.NotNull(scope.ServiceProvider.GetRequiredService<OrderHandler>());
    }

    [Fact]
    public void Each_consumer_registration_is_its_own_hosted_service_with_its_own_health_check()
    {
        var builder = Builder();
        builder.Services.AddSingleton<Received>();
        builder.Services.AddNsqConsumer<Order, OrderHandler>("orders", "a");
        builder.Services.AddNsqConsumer<Order, OrderHandler>("returns", "a");
        using var host = builder.Build();
        var topics = host.Services.GetServices<IHostedService>().OfType<NsqConsumerService<Order, OrderHandler>>().Select(s => s.Options.Topic);
        Assert.Equal(["orders", "returns"], topics);
        var checks = host.Services.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations.Select(r => r.Name);
        Assert.Equal(["nsq-consumer-orders-a", "nsq-consumer-returns-a"], checks);
    }

    [Fact]
    public void Invalid_values_are_all_reported_with_their_section()
    {
        var builder = Builder(
            ("Nsq:Consumer:MaxInFlight", "0"),
            ("Nsq:Consumer:NsqdTcpAddresses:0", "nsqd-without-port"),
            ("Nsq:Consumer:DialTimeout", "-00:00:01"));
        builder.Services.AddSingleton<Received>();
        builder.Services.AddNsqConsumer<Order, OrderHandler>("bad topic!", "ch");
        using var host = builder.Build();
        var ex = Assert.Throws<OptionsValidationException>(() => host.Services.GetServices<IHostedService>().ToList());
        Assert.Contains("Nsq:Consumer: Topic 'bad topic!' is not a valid NSQ topic name", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Nsq:Consumer: MaxInFlight must be at least 1 (was 0)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'nsqd-without-port' must be host:port", ex.Message, StringComparison.Ordinal);
        Assert.Contains("DialTimeout must be positive", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_and_unconvertible_keys_are_errors()
    {
        var typo = Builder(("Nsq:Producer:PublishTimout", "00:00:03"));
        typo.Services.AddNsqProducer();
        using (var host = typo.Build())
        {
            var ex = Assert.Throws<InvalidOperationException>(() => host.Services.GetRequiredService<NsqProducer>());
            Assert.Contains("PublishTimout", ex.Message, StringComparison.Ordinal);
        }
        var notANumber = Builder(("Nsq:Producer:PublishTimeout", "soon"));
        notANumber.Services.AddNsqProducer();
        using (var host = notANumber.Build())
        {
            var ex = Assert.Throws<InvalidOperationException>(() => host.Services.GetRequiredService<NsqProducer>());
            Assert.Contains("Nsq:Producer:PublishTimeout", ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_second_producer_registration_is_refused()
    {
        var services = new ServiceCollection().AddNsqProducer();
        var ex = Assert.Throws<InvalidOperationException>(() => services.AddNsqProducer());
        Assert.Contains("already registered", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Aspire_producer_takes_nsqd_from_the_connection_string_and_options_from_its_settings_section()
    {
        var builder = Builder(
            ("ConnectionStrings:nsq", "nsqd=10.0.0.1:4150,10.0.0.2:4150;lookupd=http://10.0.0.9:4161"),
            ("Nsq:Client:nsq:Producer:PublishTimeout", "00:00:04"),
            ("Nsq:Client:nsq:Producer:NsqdTcpAddresses:0", "overridden:4150"));
        builder.AddNsqProducer("nsq");
        using var host = builder.Build();
        var options = host.Services.GetRequiredService<NsqProducer>().Options;
        Assert.Equal(["10.0.0.1:4150", "10.0.0.2:4150"], options.NsqdTcpAddresses);
        Assert.Equal(TimeSpan.FromSeconds(4), options.PublishTimeout);
    }

    [Fact]
    public void Aspire_consumer_discovers_through_lookupd_when_the_connection_string_lists_it()
    {
        var builder = Builder(
            ("ConnectionStrings:nsq", "nsqd=10.0.0.1:4150;lookupd=http://10.0.0.9:4161"),
            ("Nsq:Client:nsq:Consumer:MaxInFlight", "7"));
        builder.Services.AddSingleton<Received>();
        builder.AddNsqConsumer<Order, OrderHandler>("nsq", "orders", "ch");
        using var host = builder.Build();
        var options = Assert.Single(host.Services.GetServices<IHostedService>().OfType<NsqConsumerService<Order, OrderHandler>>()).Options;
        Assert.Equal(["http://10.0.0.9:4161"], options.LookupdHttpAddresses);
        Assert.Equal(7, options.MaxInFlight);
    }

    [Fact]
    public void Aspire_settings_section_can_hold_the_connection_string_and_switch_off_health_checks()
    {
        var builder = Builder(
            ("Nsq:Client:nsq:ConnectionString", "127.0.0.1:4150"),
            ("Nsq:Client:nsq:DisableHealthChecks", "true"));
        builder.AddNsqProducer("nsq");
        using var host = builder.Build();
        Assert.Equal(["127.0.0.1:4150"], host.Services.GetRequiredService<NsqProducer>().Options.NsqdTcpAddresses);
        Assert.Empty(host.Services.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations);
    }

    [Fact]
    public void Aspire_registration_errors_name_the_connection()
    {
        var missing = Assert.Throws<InvalidOperationException>(() => Builder().AddNsqProducer("nsq"));
        Assert.Contains("'ConnectionStrings:nsq'", missing.Message, StringComparison.Ordinal);
        Assert.Contains("'Nsq:Client:nsq:ConnectionString'", missing.Message, StringComparison.Ordinal);

        var malformed = Assert.Throws<FormatException>(() => Builder(("ConnectionStrings:nsq", "nsqd=oops")).AddNsqProducer("nsq"));
        Assert.Contains("'oops' must be host:port", malformed.Message, StringComparison.Ordinal);

        var lookupOnly = Assert.Throws<InvalidOperationException>(() => Builder(("ConnectionStrings:nsq", "lookupd=127.0.0.1:4161")).AddNsqProducer("nsq"));
        Assert.Contains("lists no nsqd", lookupOnly.Message, StringComparison.Ordinal);
    }
}
