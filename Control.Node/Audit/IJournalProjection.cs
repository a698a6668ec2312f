using System.Text.Json.Nodes;
using NerfEngine.Shared.Fabric.Persistence;

namespace NerfEngine.Control.Audit;

/// <summary>
/// Rebuilds, event by event, the state a journal's events produced, so an auditor sees not only
/// what was recorded but what it meant. One projection per kind of persistent entity.
/// </summary>
public interface IJournalProjection
{
    /// <summary>Short name shown in replay output.</summary>
    string Name { get; }

    /// <summary>True for persistence ids this projection understands.</summary>
    bool Handles(string persistenceId);

    /// <summary>A fresh folder for one persistence id.</summary>
    IJournalStateFolder Start(string persistenceId);
}

/// <summary>Folds the events of one persistence id in sequence order.</summary>
public interface IJournalStateFolder
{
    /// <summary>Applies one event and returns the state after it, as JSON; throws with a clear message for an event it cannot read.</summary>
    JsonNode Apply(JournalEvent journalEvent);
}
