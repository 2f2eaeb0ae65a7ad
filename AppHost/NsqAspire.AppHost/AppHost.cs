// Topology only: which NSQ processes run and how they find each other. How each node is wired lives in the
// *ResourceBuilderExtensions files, so adding a node is a line here.
var builder = DistributedApplication.CreateBuilder(args);

// Redis holds the lookups' registrations, so every nsqlookupd replica answers with the same topology.
var redisServer = builder.AddRedisServer("redis-server");
var redis = builder.AddRedisConnectionString("redis", redisServer);

// Two nsqlookupd replicas, each individually addressable (brokers register with every one of them).
var lookupds = new[]
{
    builder.AddNsqlookupd("nsqlookupd0", redis, redisServer),
    builder.AddNsqlookupd("nsqlookupd1", redis, redisServer),
};

// Three brokers, each registering its topics and channels with both lookups.
for (var i = 0; i < 3; i++)
{
    builder.AddNsqd($"nsqd{i}").WithLookupds(lookupds);
}

await builder.Build().RunAsync().ConfigureAwait(false);
