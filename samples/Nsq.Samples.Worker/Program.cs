// The SDK in an Aspire app: one producer and one hosted consumer from the "nsq" connection string, plus a publisher loop.
using Nsq.Client.Hosting;
using Nsq.Samples.Worker;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();

builder.AddNsqProducer("nsq");
builder.AddNsqConsumer<Order, OrderHandler>("nsq", OrderPublisher.Topic, "sample");
builder.Services.AddSingleton<OrderStats>();
builder.Services.AddHostedService<OrderPublisher>();

var app = builder.Build();
app.MapDefaultEndpoints();
// How far the sample got: orders published and handled (the AppHost test polls it).
app.MapGet("/stats", (OrderStats stats) => stats.Snapshot());
// Publish one order by hand: POST /orders {"number":1,"item":"book"}.
app.MapPost("/orders", async (Order order, INsqPublisher publisher, CancellationToken ct) =>
{
    await publisher.PublishAsync(OrderPublisher.Topic, order, ct).ConfigureAwait(false);
    return Results.Accepted();
});
await app.RunAsync().ConfigureAwait(false);
