namespace NerfEngine.Shared.Fabric.Persistence.Verification;

/// <summary>What <see cref="JournalVerifier"/> found wrong first.</summary>
public enum JournalProblemKind
{
    /// <summary>No problem: every chain is intact.</summary>
    None,

    /// <summary>A row's stored hash does not match its content (payload, manifest, id, sequence or prev_hash edited).</summary>
    AlteredEvent,

    /// <summary>A sequence number is missing (row removed): the chain has a gap.</summary>
    MissingEvent,

    /// <summary>Rows are out of order or swapped: prev_hash does not link to the preceding event, or sequence and global ordering disagree.</summary>
    ReorderedEvent,
}
