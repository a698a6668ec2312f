using System.Globalization;

namespace NerfEngine.Shared.Fabric.Persistence;

/// <summary>
/// Schema versioning shared by both providers: a metadata row <c>schema_version</c> is written on first use and
/// checked on every open, so an older binary never writes into a journal laid out by a newer one.
/// </summary>
internal static class JournalSchema
{
    /// <summary>Highest (and only) schema version this code creates and understands.</summary>
    public const int CurrentVersion = 1;

    /// <summary>Metadata key holding the version.</summary>
    public const string VersionKey = "schema_version";

    /// <summary>Parses the stored version and throws <see cref="JournalSchemaException"/> when this code cannot use it.</summary>
    public static int Check(string location, string stored)
    {
        if (!int.TryParse(stored, NumberStyles.Integer, CultureInfo.InvariantCulture, out var version) || version < 1)
        {
            throw new JournalSchemaException($"Journal schema at {location} has an unreadable schema_version '{stored}'.");
        }

        if (version > CurrentVersion)
        {
            throw new JournalSchemaException(location, version, CurrentVersion);
        }

        return version;
    }
}
