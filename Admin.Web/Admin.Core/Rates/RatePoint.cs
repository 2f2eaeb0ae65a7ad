namespace Admin.Core.Rates;

/// <summary>One chart point: at <see cref="UnixMs"/>, messages per second published and consumed since the previous sample,
/// and the depth (messages waiting) then.</summary>
public readonly record struct RatePoint(long UnixMs, double Publish, double Consume, long Depth);

/// <summary>The raw counters of one sample, from which the next sample's rates are derived.</summary>
public readonly record struct RateCounters(long Published, long Consumed, long Depth);
