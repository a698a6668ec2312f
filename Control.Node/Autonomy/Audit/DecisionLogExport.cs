using System.Text.Json;
using NerfEngine.Control.Autonomy.Ledger;
using NerfEngine.Shared.Fabric.Persistence;
using NerfEngine.Shared.Fabric.Persistence.Verification;

namespace NerfEngine.Control.Autonomy.Audit;

/// <summary>
/// The decision log for auditors: JSON lines (one decision per line, snake_case, the <see cref="AutonomyJson"/> shape)
/// from the executor's memory or, complete, rebuilt from the journal with its hash chain verified first.
/// </summary>
public static class DecisionLogExport
{
    /// <summary>Writes one JSON object per line.</summary>
    public static async Task WriteJsonLinesAsync(IEnumerable<DecisionLogEntry> entries, TextWriter writer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(writer);
        foreach (var entry in entries)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await writer.WriteAsync(JsonSerializer.Serialize(entry, AutonomyJson.Options)).ConfigureAwait(false);
            await writer.WriteAsync('\n').ConfigureAwait(false);
        }

        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The JSON lines as one string.</summary>
    public static string ToJsonLines(IEnumerable<DecisionLogEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        using var writer = new StringWriter();
        foreach (var entry in entries)
        {
            writer.Write(JsonSerializer.Serialize(entry, AutonomyJson.Options));
            writer.Write('\n');
        }

        return writer.ToString();
    }

    /// <summary>Reads JSON lines back (round trip for tools and tests); blank lines are skipped.</summary>
    public static IReadOnlyList<DecisionLogEntry> FromJsonLines(string jsonLines)
    {
        ArgumentNullException.ThrowIfNull(jsonLines);
        return jsonLines.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => JsonSerializer.Deserialize<DecisionLogEntry>(line, AutonomyJson.Options)
                ?? throw new JsonException("a decision-log line is JSON null"))
            .ToList();
    }

    /// <summary>
    /// Every decision of the executor, rebuilt from its journal events (not the capacity-bounded memory), after
    /// verifying the id's hash chain: an altered or missing event makes the log untrustworthy, so it throws
    /// <see cref="JournalIntegrityException"/> instead of exporting.
    /// </summary>
    public static async Task<IReadOnlyList<DecisionLogEntry>> ReadFromJournalAsync(
        PersistenceContext persistence, AutonomyOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(persistence);
        ArgumentNullException.ThrowIfNull(options);
        var id = options.ExecutorPersistenceId;
        var verification = await JournalVerifier.VerifyAsync(persistence.Journal, id, cancellationToken).ConfigureAwait(false);
        if (!verification.IsOk)
        {
            throw new JournalIntegrityException(id, verification.SequenceNr ?? 0, verification.Message);
        }

        var limits = ExecutorStateLimits.From(options).Unbounded();
        var state = ExecutorState.Initial(options);
        await foreach (var row in persistence.Journal.ReadEventsAsync(id, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (persistence.Serializer.Deserialize(row) is ExecutorEvent e)
            {
                state = ExecutorStateFold.Apply(state, e, limits);
            }
        }

        return state.Decisions;
    }
}
