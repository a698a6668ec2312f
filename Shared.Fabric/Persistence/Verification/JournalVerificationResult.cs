namespace NerfEngine.Shared.Fabric.Persistence.Verification;

/// <summary>Outcome of a journal walk: OK, or the first problem and exactly where it was found.</summary>
/// <param name="Problem">What is wrong (<see cref="JournalProblemKind.None"/> when OK).</param>
/// <param name="PersistenceId">Entity whose chain is broken.</param>
/// <param name="SequenceNr">Sequence number at fault (for a gap: the first missing one).</param>
/// <param name="GlobalOrdering">Global ordering of the row where the problem was detected.</param>
/// <param name="Message">Human-readable explanation.</param>
/// <param name="EventsChecked">Rows verified before stopping (all rows when OK).</param>
public sealed record JournalVerificationResult(
    JournalProblemKind Problem, string? PersistenceId, long? SequenceNr, long? GlobalOrdering, string Message, long EventsChecked)
{
    /// <summary>True when no problem was found.</summary>
    public bool IsOk => Problem == JournalProblemKind.None;

    /// <summary>An OK result.</summary>
    public static JournalVerificationResult Ok(long eventsChecked) =>
        new(JournalProblemKind.None, null, null, null, $"OK: {eventsChecked} events verified, every hash chain intact.", eventsChecked);
}
