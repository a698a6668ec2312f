using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;

namespace NerfEngine.Shared.Fabric.Persistence;

/// <summary>
/// Where events and snapshots live. Bound from the <c>Persistence</c> configuration section
/// (<c>Persistence:Provider</c> = sqlite | postgres, <c>Persistence:ConnectionString</c>, <c>Persistence:Schema</c>),
/// e.g. <c>NERF__Persistence__Provider=postgres</c>.
/// </summary>
public sealed record PersistenceOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Persistence";

    /// <summary>Default SQLite file, relative to the working directory.</summary>
    public const string DefaultSqliteConnectionString = "Data Source=nerf-journal.db";

    /// <summary>Database kind; SQLite by default so a single process needs no server.</summary>
    public PersistenceProvider Provider { get; init; } = PersistenceProvider.Sqlite;

    /// <summary>Provider connection string; <see cref="DefaultSqliteConnectionString"/> by default.</summary>
    public string ConnectionString { get; init; } = DefaultSqliteConnectionString;

    /// <summary>PostgreSQL schema holding the tables (ignored by SQLite); <c>public</c> by default.</summary>
    public string Schema { get; init; } = "public";

    /// <summary>Reads options from <paramref name="configuration"/>'s <c>Persistence</c> section (or the section itself).</summary>
    public static PersistenceOptions FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(SectionName);
        var source = section.Exists() ? section : configuration;
        var provider = ParseProvider(source["Provider"]);
        var connectionString = source["ConnectionString"];
        if (provider == PersistenceProvider.Postgres && string.IsNullOrWhiteSpace(connectionString))
        {
            throw new JournalException("Persistence:Provider is 'postgres' but Persistence:ConnectionString is empty.");
        }

        return new PersistenceOptions
        {
            Provider = provider,
            ConnectionString = string.IsNullOrWhiteSpace(connectionString) ? DefaultSqliteConnectionString : connectionString,
            Schema = string.IsNullOrWhiteSpace(source["Schema"]) ? "public" : source["Schema"]!,
        };
    }

    /// <summary>
    /// For a SQLite journal in a file: creates the file's directory when it is missing, so a fresh data directory
    /// (e.g. <c>.nerf/</c>) works. Nothing for PostgreSQL or an in-memory database.
    /// </summary>
    public void EnsureSqliteDirectory()
    {
        if (Provider != PersistenceProvider.Sqlite) return;
        var file = new SqliteConnectionStringBuilder(ConnectionString).DataSource;
        if (file is "" or ":memory:") return;
        var directory = Path.GetDirectoryName(Path.GetFullPath(file));
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
    }

    private static PersistenceProvider ParseProvider(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "sqlite" => PersistenceProvider.Sqlite,
        "postgres" or "postgresql" => PersistenceProvider.Postgres,
        _ => throw new JournalException($"Persistence:Provider '{value}' is not supported; use 'sqlite' or 'postgres'."),
    };
}
