namespace NerfEngine.Shared.Fabric.Persistence;

/// <summary>One stored journal row, exactly as read back (including its place in the hash chain).</summary>
/// <param name="GlobalOrdering">Journal-wide position (identity/autoincrement). A total order of rows, but under
/// concurrent PostgreSQL writers not necessarily commit order: tailing readers must tolerate late-filled gaps.</param>
/// <param name="PersistenceId">The entity this event belongs to.</param>
/// <param name="SequenceNr">1-based, gap-free position within <paramref name="PersistenceId"/>.</param>
/// <param name="Timestamp">UTC time of the append, millisecond precision.</param>
/// <param name="Manifest">Event type name, see <see cref="Serialization.EventSerializer"/>.</param>
/// <param name="Payload">Serialized event bytes.</param>
/// <param name="Tags">Labels given at append time (empty when none).</param>
/// <param name="PrevHash">Hash of the previous event of the same id; 32 zero bytes for sequence 1.</param>
/// <param name="Hash">SHA-256 of this event, see <see cref="EventHash"/>.</param>
/// <param name="IsDeleted">Logically deleted by <see cref="IEventJournal.DeleteToAsync"/>; the row (and its hash)
/// stays so the chain can still be verified.</param>
public sealed record JournalEvent(
    long GlobalOrdering,
    string PersistenceId,
    long SequenceNr,
    DateTimeOffset Timestamp,
    string Manifest,
    ReadOnlyMemory<byte> Payload,
    IReadOnlyList<string> Tags,
    ReadOnlyMemory<byte> PrevHash,
    ReadOnlyMemory<byte> Hash,
    bool IsDeleted);
