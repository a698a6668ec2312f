namespace NerfEngine.Shared.Fabric.Persistence;

/// <summary>Argument checks every journal runs before touching the database, so bad input fails the same way everywhere.</summary>
internal static class AppendGuard
{
    /// <summary>Longest persistence id accepted; ids are keys, not documents.</summary>
    public const int MaxPersistenceIdLength = 255;

    /// <summary>Validates an id.</summary>
    public static void PersistenceId(string persistenceId)
    {
        ArgumentException.ThrowIfNullOrEmpty(persistenceId);
        if (persistenceId.Length > MaxPersistenceIdLength)
        {
            throw new ArgumentException($"Persistence id is longer than {MaxPersistenceIdLength} characters.", nameof(persistenceId));
        }
    }

    /// <summary>Validates an append call.</summary>
    public static void Append(string persistenceId, long expectedSequenceNr, IReadOnlyList<EventToAppend> events)
    {
        PersistenceId(persistenceId);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentOutOfRangeException.ThrowIfNegative(expectedSequenceNr);
        if (events.Count == 0)
        {
            throw new ArgumentException($"An append for '{persistenceId}' needs at least one event.", nameof(events));
        }

        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i] ?? throw new ArgumentException($"Event {i} of the batch is null.", nameof(events));
            if (string.IsNullOrEmpty(e.Manifest))
            {
                throw new ArgumentException($"Event {i} of the batch for '{persistenceId}' has an empty manifest.", nameof(events));
            }
        }
    }
}
