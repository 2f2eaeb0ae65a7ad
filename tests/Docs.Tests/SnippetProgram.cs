using System.Reflection;
using System.Runtime.Loader;

namespace Docs.Tests;

/// <summary>Runs a compiled snippet's entry point on its own thread, loaded into a collectible load context.</summary>
internal static class SnippetProgram
{
    /// <summary>Starts the program; the task completes when its Main returns (or faults with what it threw).</summary>
    public static Task Start(byte[] image, string name)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            // Load returns null for every dependency, so Nsq.Client and friends come from the test's own context and the
            // snippet shares their types; only the snippet's assembly is unloaded afterwards.
            var context = new AssemblyLoadContext(name, isCollectible: true);
            try
            {
                using var stream = new MemoryStream(image);
                var entry = context.LoadFromStream(stream).EntryPoint
                    ?? throw new InvalidOperationException($"{name} has no entry point");
                var result = entry.Invoke(null, entry.GetParameters().Length == 0 ? null : [Array.Empty<string>()]);
                (result as Task)?.GetAwaiter().GetResult();
                done.SetResult();
            }
            catch (TargetInvocationException ex) when (ex.InnerException is not null)
            {
                done.SetException(ex.InnerException);
            }
#pragma warning disable CA1031 // whatever the program threw is the test's failure, reported through the task
            catch (Exception ex)
#pragma warning restore CA1031
            {
                done.SetException(ex);
            }
            finally
            {
                context.Unload();
            }
        })
        {
            IsBackground = true, // a program that never ends must not keep the test host alive
            Name = name,
        };
        thread.Start();
        return done.Task;
    }
}
