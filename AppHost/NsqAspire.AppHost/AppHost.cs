// Topology only: which NSQ processes run and how they find each other. How each node is wired lives in
// NsqResourceBuilderExtensions, so adding nodes (nsqd1..N-1) or nsqlookupd is a line here.
var builder = DistributedApplication.CreateBuilder(args);

builder.AddNsqd("nsqd0");

await builder.Build().RunAsync().ConfigureAwait(false);
