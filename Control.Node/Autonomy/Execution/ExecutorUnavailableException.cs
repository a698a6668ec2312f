using System.Globalization;
using NerfEngine.Shared.Fabric.Persistence;

namespace NerfEngine.Control.Autonomy.Execution;

/// <summary>
/// The executor could not answer: it is recovering from its journal (after another writer appended to it, or while the
/// journal is unreachable). Nothing was decided or executed for the request; retrying later is safe.
/// </summary>
public sealed class ExecutorUnavailableException(string message, Exception? innerException = null) : Exception(message, innerException)
{
    /// <summary>What happened, for people: names the other writer's sequence numbers on a journal conflict.</summary>
    public static string Describe(Exception failure, string persistenceId) => failure switch
    {
        JournalConcurrencyException conflict => string.Create(CultureInfo.InvariantCulture,
            $"another writer appended {OtherWrites(conflict)} to journal id '{persistenceId}' behind this executor's back "
            + $"(it expected to write sequence {conflict.ExpectedSequenceNr + 1}); it is recovering them from the journal"),
        InvalidOperationException { InnerException: JournalConcurrencyException conflict } => Describe(conflict, persistenceId),
        _ => $"the executor failed ({failure.GetType().Name}: {failure.Message}); it is being restarted and recovers from the journal",
    };

    /// <summary>The error a caller gets for a request that hit <paramref name="failure"/>.</summary>
    public static ExecutorUnavailableException NotDecided(Exception failure, string persistenceId) =>
        new($"Not decided: {Describe(failure, persistenceId)}. Nothing was executed; retry.", failure);

    private static string OtherWrites(JournalConcurrencyException conflict) => conflict.ActualHighestSequenceNr switch
    {
        { } highest when highest > conflict.ExpectedSequenceNr + 1 => $"events {conflict.ExpectedSequenceNr + 1}–{highest}",
        { } highest when highest == conflict.ExpectedSequenceNr + 1 => $"event {highest}",
        _ => "events",
    };
}
