using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Nsq.Protocol;

namespace Nsq.Client.Hosting;

/// <summary>
/// Binds the option records from configuration (unknown keys are errors, so a typo never goes unnoticed) and validates
/// the result, reporting every problem at once with the configuration path it came from.
/// </summary>
internal static class NsqOptionsBinder
{
    public static NsqProducerOptions Bind(IConfiguration? section, NsqProducerOptions options)
    {
        if (section is null) return options;
        BindSection(section, options);
        return Addresses(section, nameof(NsqProducerOptions.NsqdTcpAddresses)) is { } nsqd ? options with { NsqdTcpAddresses = nsqd } : options;
    }

    public static NsqConsumerOptions Bind(IConfiguration? section, NsqConsumerOptions options)
    {
        if (section is null) return options;
        BindSection(section, options);
        if (Addresses(section, nameof(NsqConsumerOptions.NsqdTcpAddresses)) is { } nsqd) options = options with { NsqdTcpAddresses = nsqd };
        if (Addresses(section, nameof(NsqConsumerOptions.LookupdHttpAddresses)) is { } lookupd) options = options with { LookupdHttpAddresses = lookupd };
        return options;
    }

    public static NsqProducerOptions Validate(NsqProducerOptions options, string source)
    {
        List<string> failures = [];
        ValidateNsqd(options.NsqdTcpAddresses, required: true, failures);
        Positive(options.DialTimeout, nameof(options.DialTimeout), failures);
        Positive(options.PublishTimeout, nameof(options.PublishTimeout), failures);
        Throw<NsqProducerOptions>(failures, source);
        return options;
    }

    public static NsqConsumerOptions Validate(NsqConsumerOptions options, string source)
    {
        List<string> failures = [];
        if (!Names.IsValid(options.Topic)) failures.Add($"Topic '{options.Topic}' is not a valid NSQ topic name ([.a-zA-Z0-9_-]+, 1..64, optional #ephemeral)");
        if (!Names.IsValid(options.Channel)) failures.Add($"Channel '{options.Channel}' is not a valid NSQ channel name ([.a-zA-Z0-9_-]+, 1..64, optional #ephemeral)");
        if (options.LookupdHttpAddresses.Count > 0)
        {
            foreach (var address in options.LookupdHttpAddresses) Check(() => NsqConnectionString.Parse($"{NsqConnectionString.LookupdKey}={address}"), failures);
        }
        else
        {
            ValidateNsqd(options.NsqdTcpAddresses, required: true, failures);
        }
        if (options.MaxInFlight < 1) failures.Add($"MaxInFlight must be at least 1 (was {options.MaxInFlight})");
        if (options.HandlerConcurrency < 1) failures.Add($"HandlerConcurrency must be at least 1 (was {options.HandlerConcurrency})");
        if (options.MaxAttempts is < 0 or > ushort.MaxValue) failures.Add($"MaxAttempts must be in 0..65535, 0 = no limit (was {options.MaxAttempts})");
        if (options.RequeueDelay < TimeSpan.Zero) failures.Add($"RequeueDelay must not be negative (was {options.RequeueDelay})");
        Positive(options.DialTimeout, nameof(options.DialTimeout), failures);
        Positive(options.LookupdPollInterval, nameof(options.LookupdPollInterval), failures);
        Throw<NsqConsumerOptions>(failures, source);
        return options;
    }

    private static void BindSection(IConfiguration section, object options)
        => section.Bind(options, static b => b.ErrorOnUnknownConfiguration = true);

    // The binder appends to a list that already holds the defaults; read the list on its own so configuration replaces it.
    private static string[]? Addresses(IConfiguration section, string key)
        => section.GetSection(key).Get<string[]>() is { Length: > 0 } list ? list : null;

    private static void ValidateNsqd(IReadOnlyList<string> addresses, bool required, List<string> failures)
    {
        if (addresses.Count == 0)
        {
            if (required) failures.Add("NsqdTcpAddresses must list at least one nsqd (host:port)");
            return;
        }
        foreach (var address in addresses) Check(() => NsqConnectionString.Parse($"{NsqConnectionString.NsqdKey}={address}"), failures);
    }

    private static void Check(Action parse, List<string> failures)
    {
        try
        {
            parse();
        }
        catch (FormatException ex)
        {
            failures.Add(ex.Message);
        }
    }

    private static void Positive(TimeSpan value, string name, List<string> failures)
    {
        if (value <= TimeSpan.Zero) failures.Add($"{name} must be positive (was {value})");
    }

    private static void Throw<T>(List<string> failures, string source)
    {
        if (failures.Count > 0) throw new OptionsValidationException(source, typeof(T), [.. failures.Select(f => $"{source}: {f}")]);
    }
}
