namespace Nsq.Protocol.V2;

/// <summary>
/// One parsed command line (spec §2.2): the name and up to three space-separated parameters as slices of the read
/// buffer. <see cref="ParamCount"/> counts every parameter (an empty one between two spaces included), as nsqd does.
/// </summary>
public readonly ref struct ParsedCommand
{
    /// <summary>The command; <see cref="CommandName.Unknown"/> for any other name.</summary>
    public CommandName Name { get; init; }
    /// <summary>The raw name bytes, for <c>E_INVALID invalid command FOO</c>.</summary>
    public ReadOnlySpan<byte> RawName { get; init; }
    /// <summary>How many parameters followed the name.</summary>
    public int ParamCount { get; init; }
    /// <summary>The first parameter; empty when absent.</summary>
    public ReadOnlySpan<byte> Param0 { get; init; }
    /// <summary>The second parameter; empty when absent.</summary>
    public ReadOnlySpan<byte> Param1 { get; init; }
    /// <summary>The third parameter; empty when absent.</summary>
    public ReadOnlySpan<byte> Param2 { get; init; }

    /// <summary>Whether the command is followed by a <c>[int32 size][body]</c> (IDENTIFY, AUTH, PUB, MPUB, DPUB).</summary>
    public bool HasBody => Name is CommandName.Identify or CommandName.Auth or CommandName.Pub or CommandName.Mpub or CommandName.Dpub;
}
