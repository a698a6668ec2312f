namespace NerfEngine.Shared.Fabric.Persistence;

/// <summary>What an append wrote: the writer's new expected sequence number and chain head.</summary>
/// <param name="PersistenceId">The entity appended to.</param>
/// <param name="FirstSequenceNr">Sequence number given to the first event of the batch.</param>
/// <param name="LastSequenceNr">Sequence number of the last event; pass it as the next expected sequence number.</param>
/// <param name="LastHash">Hash of the last event (the chain head), useful as an external integrity anchor.</param>
public sealed record AppendResult(string PersistenceId, long FirstSequenceNr, long LastSequenceNr, ReadOnlyMemory<byte> LastHash);
