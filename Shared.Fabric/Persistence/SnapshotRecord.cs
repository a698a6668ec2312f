namespace NerfEngine.Shared.Fabric.Persistence;

/// <summary>A serialized state of one entity as of <paramref name="SequenceNr"/>; recovery replays only later events.</summary>
/// <param name="PersistenceId">Entity id.</param>
/// <param name="SequenceNr">Last event sequence number folded into this state.</param>
/// <param name="Timestamp">When the snapshot was taken (UTC, millisecond precision when stored).</param>
/// <param name="Manifest">State type name, see <see cref="Serialization.EventSerializer"/>.</param>
/// <param name="Payload">Serialized state.</param>
public sealed record SnapshotRecord(string PersistenceId, long SequenceNr, DateTimeOffset Timestamp, string Manifest, ReadOnlyMemory<byte> Payload);
