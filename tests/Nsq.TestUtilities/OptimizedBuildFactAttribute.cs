using System.Diagnostics;
using System.Reflection;
using Nsq.Client;

namespace Nsq.TestUtilities;

/// <summary>
/// A fact that runs only against an optimized (Release) Nsq.Client: a Debug build compiles async state machines as
/// classes, so its allocation figures say nothing about the shipped library. test.sh and CI build Release.
/// </summary>
public sealed class OptimizedBuildFactAttribute : FactAttribute
{
    public OptimizedBuildFactAttribute()
    {
        if (typeof(NsqProducer).Assembly.GetCustomAttribute<DebuggableAttribute>() is { IsJITOptimizerDisabled: true })
            Skip = "allocation figures need an optimized (Release) build of Nsq.Client";
    }
}
