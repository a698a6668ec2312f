namespace NerfEngine.Shared.Fabric.Persistence;

/// <summary>The stored schema cannot be used by this code (for example written by a newer NerfEngine).</summary>
public sealed class JournalSchemaException : JournalException
{
    /// <summary>Creates the error for a schema version this code does not support.</summary>
    public JournalSchemaException(string location, int foundVersion, int supportedVersion)
        : base($"Journal schema at {location} is version {foundVersion}, but this code supports schema version {supportedVersion} at most. "
               + "Upgrade NerfEngine before opening this journal (refusing to read or write it).")
    {
        FoundVersion = foundVersion;
        SupportedVersion = supportedVersion;
    }

    /// <summary>Creates the error for unreadable schema metadata.</summary>
    public JournalSchemaException(string message)
        : base(message)
    {
    }

    /// <summary>Schema version recorded in the metadata table.</summary>
    public int FoundVersion { get; }

    /// <summary>Highest schema version this code understands.</summary>
    public int SupportedVersion { get; }
}
