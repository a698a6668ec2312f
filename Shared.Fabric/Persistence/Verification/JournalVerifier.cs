namespace NerfEngine.Shared.Fabric.Persistence.Verification;

/// <summary>
/// Walks a journal and proves each persistence id's hash chain, reporting the FIRST problem: an altered row,
/// a missing sequence number, or rows swapped/reordered. Logically deleted rows are still verified (they keep
/// their hashes precisely so deletion cannot hide tampering).
/// </summary>
/// <remarks>
/// The chain proves every row relative to the newest one. Removing or rewriting only the newest events of an
/// id is invisible to the chain itself; compare <see cref="AppendResult.LastHash"/> with an externally kept
/// anchor to cover that.
/// </remarks>
public static class JournalVerifier
{
    /// <summary>Verifies one id (when <paramref name="persistenceId"/> is given) or every id in ordinal order.</summary>
    public static async Task<JournalVerificationResult> VerifyAsync(
        IEventJournal journal, string? persistenceId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(journal);
        var ids = persistenceId is null
            ? await journal.CurrentPersistenceIdsAsync(cancellationToken).ConfigureAwait(false)
            : [persistenceId];
        long total = 0;
        foreach (var id in ids)
        {
            var chain = new HashChainCheck(id);
            await foreach (var row in journal.ReadEventsAsync(id, includeDeleted: true, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                if (chain.Next(row) is { } problem)
                {
                    return problem with { EventsChecked = total + problem.EventsChecked };
                }
            }

            total += chain.Checked;
        }

        return JournalVerificationResult.Ok(total);
    }
}
