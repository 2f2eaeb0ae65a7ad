namespace Lookup.Core.Registry;

/// <summary>Chooses the registration store: nsqlookupd's in-memory map, or Redis when <see cref="LookupOptions.Redis"/> is set.</summary>
public static class RegistrationStoreFactory
{
    public static IRegistrationStore Create(LookupOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrEmpty(options.Redis)) return new MemoryRegistrationStore();
        // Shared registrations between lookup replicas. The store owns the multiplexer and disposes it; LookupServer's
        // container disposes the store with the app.
        return new RedisRegistrationStore(StackExchange.Redis.ConnectionMultiplexer.Connect(options.Redis), options);
    }
}
