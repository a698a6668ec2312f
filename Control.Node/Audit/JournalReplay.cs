using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using NerfEngine.Shared.Fabric.Persistence;
using NerfEngine.Shared.Fabric.Persistence.Verification;

namespace NerfEngine.Control.Audit;

/// <summary>One replayed event: the row, its chain check, and the state it produced.</summary>
public sealed record ReplayedEvent(JournalEvent Event, bool ChainOk, JsonNode Payload, JsonNode? State, string? Projection);

/// <summary>
/// Replays a journal for audit: every event of a persistence id (or all ids), in sequence order,
/// each with the state it produced (when a projection knows the entity) and whether its hash
/// link to the previous event holds.
/// </summary>
public sealed class JournalReplay(IEventJournal journal, IReadOnlyList<IJournalProjection> projections)
{
    public async IAsyncEnumerable<ReplayedEvent> ReplayAsync(
        string? persistenceId, long from, long to,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var ids = persistenceId is null ? await journal.CurrentPersistenceIdsAsync(cancellationToken) : [persistenceId];
        foreach (var id in ids)
        {
            var projection = projections.FirstOrDefault(p => p.Handles(id));
            var folder = projection?.Start(id);
            var chain = new HashChainCheck(id);
            // State needs every event from the first, so read from 1 and print only the asked range.
            await foreach (var e in journal.ReadEventsAsync(id, 1, to, includeDeleted: true, cancellationToken))
            {
                var chainOk = chain.Next(e) is null;
                var state = folder?.Apply(e);
                if (e.SequenceNr >= from)
                    yield return new ReplayedEvent(e, chainOk, PayloadAsJson(e), state, projection?.Name);
            }
        }
    }

    /// <summary>Payloads are JSON (EventSerializer); anything else is shown as base64 rather than hidden.</summary>
    public static JsonNode PayloadAsJson(JournalEvent e)
    {
        try
        {
            return JsonNode.Parse(e.Payload.Span) ?? JsonValue.Create("null")!;
        }
        catch (JsonException)
        {
            return new JsonObject { ["base64"] = Convert.ToBase64String(e.Payload.Span) };
        }
    }

    /// <summary>One JSON line per event (jsonl format).</summary>
    public static string ToJsonLine(ReplayedEvent r) => new JsonObject
    {
        ["global_ordering"] = r.Event.GlobalOrdering,
        ["persistence_id"] = r.Event.PersistenceId,
        ["sequence_nr"] = r.Event.SequenceNr,
        ["timestamp"] = r.Event.Timestamp.ToString("O"),
        ["manifest"] = r.Event.Manifest,
        ["tags"] = new JsonArray(r.Event.Tags.Select(t => (JsonNode?)JsonValue.Create(t)).ToArray()),
        ["deleted"] = r.Event.IsDeleted,
        ["hash"] = Convert.ToHexStringLower(r.Event.Hash.Span),
        ["chain_ok"] = r.ChainOk,
        ["payload"] = r.Payload.DeepClone(),
        ["state"] = r.State?.DeepClone(),
    }.ToJsonString();

    /// <summary>A readable block per event (text format).</summary>
    public static string ToText(ReplayedEvent r)
    {
        var e = r.Event;
        var sb = new StringBuilder();
        sb.Append(e.PersistenceId).Append(" #").Append(e.SequenceNr).Append("  ").Append(e.Timestamp.ToString("u"))
          .Append("  ").Append(e.Manifest).Append(e.IsDeleted ? "  (deleted)" : "").AppendLine();
        // Every event says its check, as chain_ok does in jsonl: "ok" proves something, silence would not.
        sb.Append("  chain: ").AppendLine(r.ChainOk
            ? "ok (hash matches the event and the previous event's hash)"
            : "CHAIN BROKEN (the event was altered, or an event before it is missing or out of order; `journal verify` names the first)");
        sb.Append("  event: ").AppendLine(r.Payload.ToJsonString());
        sb.Append("  state: ").AppendLine(r.State is null ? "(no projection for this entity)" : r.State.ToJsonString());
        return sb.ToString();
    }
}
