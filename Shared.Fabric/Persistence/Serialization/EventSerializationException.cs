namespace NerfEngine.Shared.Fabric.Persistence.Serialization;

/// <summary>
/// A stored event or snapshot could not be turned back into its CLR type (unknown manifest, corrupt payload),
/// or a value could not be serialized. Names the manifest and the row, because such a row is never skipped.
/// </summary>
public sealed class EventSerializationException : JournalException
{
    /// <summary>Creates the error.</summary>
    public EventSerializationException(string message, string manifest, string? persistenceId = null, long? sequenceNr = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Manifest = manifest;
        PersistenceId = persistenceId;
        SequenceNr = sequenceNr;
    }

    /// <summary>The manifest involved.</summary>
    public string Manifest { get; }

    /// <summary>The entity whose row failed, when reading.</summary>
    public string? PersistenceId { get; }

    /// <summary>The sequence number of the failing row, when reading.</summary>
    public long? SequenceNr { get; }
}
