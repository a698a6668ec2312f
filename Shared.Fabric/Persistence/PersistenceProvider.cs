namespace NerfEngine.Shared.Fabric.Persistence;

/// <summary>Which database holds the journal and snapshots.</summary>
public enum PersistenceProvider
{
    /// <summary>Embedded single-file journal; the default, needs no server.</summary>
    Sqlite,

    /// <summary>Shared PostgreSQL journal for a cluster.</summary>
    Postgres,
}
