namespace NerfEngine.Shared.Fabric.Persistence;

/// <summary>
/// Append-only, hash-chained event journal (Akka.Persistence's journal shape). Implementations:
/// <see cref="Sqlite.SqliteEventJournal"/> (embedded default) and <see cref="Postgres.PostgresEventJournal"/> (cluster).
/// UNIQUE(persistence_id, sequence_nr) makes the expected sequence number a fence: of two writers that
/// believe they own an id, only one can write the next sequence number.
/// </summary>
public interface IEventJournal : IAsyncDisposable
{
    /// <summary>
    /// Atomically appends <paramref name="events"/> as sequence numbers <paramref name="expectedSequenceNr"/>+1 … +n.
    /// Throws <see cref="JournalConcurrencyException"/> when the journal's highest sequence number for the id is not
    /// <paramref name="expectedSequenceNr"/> (another writer got there first, or the caller is ahead); nothing is written then.
    /// </summary>
    /// <param name="persistenceId">Entity id.</param>
    /// <param name="expectedSequenceNr">The highest sequence number the caller believes is stored (0 for a new id).</param>
    /// <param name="events">Events in order; at least one (an empty batch is an argument error).</param>
    /// <param name="cancellationToken">Cancels the append; if it fires mid-commit the outcome is unknown (re-read the highest sequence number).</param>
    Task<AppendResult> AppendAsync(
        string persistenceId, long expectedSequenceNr, IReadOnlyList<EventToAppend> events, CancellationToken cancellationToken = default);

    /// <summary>Streams the events of one id with <paramref name="fromSequenceNr"/> ≤ sequence ≤ <paramref name="toSequenceNr"/>, in sequence order.</summary>
    /// <param name="persistenceId">Entity id.</param>
    /// <param name="fromSequenceNr">First sequence number wanted (inclusive).</param>
    /// <param name="toSequenceNr">Last sequence number wanted (inclusive).</param>
    /// <param name="includeDeleted">Also yield logically deleted rows (the verifier and recovery's gap check need them).</param>
    /// <param name="cancellationToken">Stops the stream.</param>
    IAsyncEnumerable<JournalEvent> ReadEventsAsync(
        string persistenceId, long fromSequenceNr = 1, long toSequenceNr = long.MaxValue, bool includeDeleted = false,
        CancellationToken cancellationToken = default);

    /// <summary>Streams events of all ids with global ordering &gt; <paramref name="afterOrdering"/>, in global order, at most <paramref name="limit"/>.</summary>
    /// <param name="afterOrdering">Exclusive offset: pass the last <see cref="JournalEvent.GlobalOrdering"/> seen (0 from the start).</param>
    /// <param name="limit">Maximum number of events.</param>
    /// <param name="includeDeleted">Also yield logically deleted rows.</param>
    /// <param name="cancellationToken">Stops the stream.</param>
    IAsyncEnumerable<JournalEvent> ReadAllEventsAsync(
        long afterOrdering = 0, int limit = int.MaxValue, bool includeDeleted = false, CancellationToken cancellationToken = default);

    /// <summary>Streams non-deleted events carrying <paramref name="tag"/>, in global order after <paramref name="afterOrdering"/>.</summary>
    /// <param name="tag">Exact tag.</param>
    /// <param name="afterOrdering">Exclusive offset.</param>
    /// <param name="limit">Maximum number of events.</param>
    /// <param name="cancellationToken">Stops the stream.</param>
    IAsyncEnumerable<JournalEvent> ReadEventsByTagAsync(
        string tag, long afterOrdering = 0, int limit = int.MaxValue, CancellationToken cancellationToken = default);

    /// <summary>All persistence ids that have at least one row (deleted or not), sorted ordinally.</summary>
    Task<IReadOnlyList<string>> CurrentPersistenceIdsAsync(CancellationToken cancellationToken = default);

    /// <summary>Highest stored sequence number of an id, counting logically deleted rows; 0 when the id has none.</summary>
    Task<long> HighestSequenceNrAsync(string persistenceId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Logically deletes events up to and including <paramref name="toSequenceNr"/>: they disappear from normal reads but
    /// stay in the table with their hashes, so <see cref="Verification.JournalVerifier"/> still checks them and
    /// sequence numbers are never reused. Returns the number of rows newly marked.
    /// </summary>
    Task<long> DeleteToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken = default);
}
