namespace NerfEngine.Shared.Fabric.Persistence;

/// <summary>Stored events are inconsistent (for example a sequence gap met during recovery); never skipped silently.</summary>
public sealed class JournalIntegrityException : JournalException
{
    /// <summary>Creates the error.</summary>
    public JournalIntegrityException(string persistenceId, long sequenceNr, string message)
        : base($"Journal integrity error for persistence id '{persistenceId}' at sequence {sequenceNr}: {message}")
    {
        PersistenceId = persistenceId;
        SequenceNr = sequenceNr;
    }

    /// <summary>The affected entity.</summary>
    public string PersistenceId { get; }

    /// <summary>Where the problem was found.</summary>
    public long SequenceNr { get; }
}
