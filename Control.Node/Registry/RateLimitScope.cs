namespace NerfEngine.Control.Registry;

/// <summary>Who shares a tool's minimum interval between calls.</summary>
public enum RateLimitScope
{
    /// <summary>
    /// Each agent has its own interval (default): one busy agent cannot lock another out of a tool,
    /// while the mutation budget still bounds what any single agent can change.
    /// </summary>
    PerAgent = 0,

    /// <summary>One interval for the whole node: for tools whose cost lands on a shared resource (a pcap replay).</summary>
    Global = 1,
}
