// Topology only: which NSQ processes run and how they find each other. How each node is wired lives in the NSQ hosting
// integration (AppHost/NsqAspire.Hosting), so adding a node is a line here.
using Microsoft.Extensions.Configuration;

var builder = DistributedApplication.CreateBuilder(args);

// Cluster size: --Nsq:Brokers / --Nsq:Lookups (or Nsq__Brokers / Nsq__Lookups in the environment).
var brokerCount = builder.Configuration.GetValue("Nsq:Brokers", 3);
var lookupCount = builder.Configuration.GetValue("Nsq:Lookups", 2);

// Redis holds the lookups' registrations, so every nsqlookupd replica answers with the same topology: the Redis container
// when a Docker engine answers, else the machine's redis-server, else none (memory store, with a warning in the log).
var store = builder.AddNsqLookupdStore("redis");

// The nsqlookupd replicas, each individually addressable (brokers register with every one of them).
var lookupds = Enumerable.Range(0, lookupCount)
    .Select(i => builder.AddNsqLookupd<Projects.Lookup_Service>($"nsqlookupd{i}").WithStore(store))
    .ToArray();

// What apps get from WithReference(nsq): ConnectionStrings__nsq = nsqd=<every broker's TCP>;lookupd=<every lookup's HTTP>.
var nsq = builder.AddNsqCluster("nsq").WithNodes(lookupds);

// The brokers, each registering its topics and channels with every lookup.
var nsqds = Enumerable.Range(0, brokerCount)
    .Select(i => builder.AddNsqd<Projects.Nsqd_Service>($"nsqd{i}").WithLookupds(lookupds))
    .ToArray();
nsq.WithNodes(nsqds);

// The admin UI (nsqadmin): reads the lookups, proxies the cluster's HTTP APIs; the one origin a browser needs.
var admin = builder.AddNsqAdmin<Projects.Admin_Service>("nsqadmin").WithLookupdHttp(lookupds);

// Published, the cluster is protected: the nodes' HTTP write endpoints need the cluster token, and the admin (the only
// external endpoint) a password; the admin sends the token on the user's behalf. azd asks for both secrets once.
// Locally every node listens on loopback only and stays open, as nsqd does.
if (builder.ExecutionContext.IsPublishMode)
{
    var token = builder.AddParameter("nsq-auth-token", secret: true);
    foreach (var node in lookupds.Concat(nsqds)) node.WithHttpAuthToken(token);
    admin.WithUpstreamAuthToken(token).WithBasicAuth(builder.AddParameter("nsqadmin-password", secret: true));
}

// A sample app on the SDK (Nsq.Client.Hosting): publishes and handles an order a second through the cluster's connection
// string, so the dashboard shows its send/process spans and messaging metrics.
builder.AddProject<Projects.Nsq_Samples_Worker>("sample-worker", options => options.ExcludeLaunchProfile = true)
    .WithHttpEndpoint()
    .WithHttpHealthCheck("/health")
    .WithReference(nsq)
    .WaitForNodes(nsq);

await builder.Build().RunAsync().ConfigureAwait(false);
