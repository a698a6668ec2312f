namespace NerfEngine.Shared.Fabric.Persistence;

/// <summary>
/// One event handed to <see cref="IEventJournal.AppendAsync"/>: already serialized, so the journal never
/// needs to know CLR types (the <see cref="Serialization.EventSerializer"/> owns that mapping).
/// </summary>
/// <param name="Manifest">Names the event type on disk; hashed, so it cannot be changed silently.</param>
/// <param name="Payload">Serialized event bytes; hashed.</param>
/// <param name="Tags">Optional labels for <see cref="IEventJournal.ReadEventsByTagAsync"/>; not hashed (an index, not content).</param>
public sealed record EventToAppend(string Manifest, ReadOnlyMemory<byte> Payload, IReadOnlyList<string>? Tags = null);
