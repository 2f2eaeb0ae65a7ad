namespace Nsqd.Core.Tcp;

/// <summary>What the synchronous command step decided.</summary>
internal enum CommandOutcome
{
    /// <summary>Handled; go on with the next buffered command.</summary>
    Done,
    /// <summary>The command's body is not fully buffered yet: wait for more bytes.</summary>
    NeedMore,
    /// <summary>A fatal error frame was queued: flush it and close.</summary>
    Close,
    /// <summary>The command needs async work (IDENTIFY upgrade, AUTH call) after the reader has advanced past it.</summary>
    Async,
}
