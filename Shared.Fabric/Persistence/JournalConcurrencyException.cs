namespace NerfEngine.Shared.Fabric.Persistence;

/// <summary>
/// An append lost the race for a sequence number: another writer already stored it (or the caller's expected
/// sequence number is stale). This is the fence a cluster singleton relies on: the losing writer must stop,
/// never retry blindly, because its in-memory state no longer matches the journal.
/// </summary>
public sealed class JournalConcurrencyException : JournalException
{
    /// <summary>Creates the error.</summary>
    public JournalConcurrencyException(string persistenceId, long expectedSequenceNr, long? actualHighestSequenceNr, Exception? innerException = null)
        : base(Describe(persistenceId, expectedSequenceNr, actualHighestSequenceNr), innerException)
    {
        PersistenceId = persistenceId;
        ExpectedSequenceNr = expectedSequenceNr;
        ActualHighestSequenceNr = actualHighestSequenceNr;
    }

    /// <summary>The contested entity.</summary>
    public string PersistenceId { get; }

    /// <summary>The highest sequence number the losing writer believed was stored.</summary>
    public long ExpectedSequenceNr { get; }

    /// <summary>The journal's highest sequence number seen after the conflict, when it could be read.</summary>
    public long? ActualHighestSequenceNr { get; }

    private static string Describe(string persistenceId, long expected, long? actual) =>
        $"Concurrent write to persistence id '{persistenceId}': the writer expected highest sequence number {expected} "
        + $"but the journal has {(actual is { } a ? a.ToString(System.Globalization.CultureInfo.InvariantCulture) : "a different one")}; "
        + $"sequence {expected + 1} belongs to another writer. Nothing was written; this writer must stop and recover.";
}
