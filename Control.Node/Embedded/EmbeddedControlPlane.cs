using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NerfEngine.Control.Autonomy;
using NerfEngine.Control.Autonomy.Execution;
using NerfEngine.Control.Autonomy.Ledger;
using NerfEngine.Control.Mcp;
using NerfEngine.Control.Registry.Audit;
using NerfEngine.Shared.Fabric.Actors;
using NerfEngine.Shared.Fabric.Persistence;
using NerfEngine.Shared.Fabric.Management;
using NerfEngine.Shared.Fabric.Persistence.Serialization;
using NerfEngine.Shared.Fabric.Persistence.Sqlite;

namespace NerfEngine.Control.Embedded;

/// <summary>
/// The control plane of the all-in-one node: one journal (SQLite by default, PostgreSQL by
/// configuration) shared by the autonomy Executor and the registry's audit trail, the Executor
/// actor, the tool registry with its MCP endpoint, and (unless <c>Autonomy:AnalystFeed:Enabled=false</c>) the
/// <see cref="AnalystFeed"/> that turns live event cards into analyst proposals for the executor.
/// A SQLite journal is this process's alone: <see cref="SqliteWriterLock"/> is taken at start, and a second node on
/// the same file fails at once. The executor runs under its <see cref="ExecutorSupervisor"/>; /ready reports it.
/// </summary>
public static class EmbeddedControlPlane
{
    public static IServiceCollection AddEmbeddedControlPlane(this IServiceCollection services, IConfiguration configuration)
    {
        // Read (and validated) once here: whether the analyst feed exists is decided at start-up.
        var autonomy = AutonomyOptions.FromConfiguration(configuration);
        services.AddSingleton(autonomy);
        var persistence = PersistenceOptions.FromConfiguration(configuration);
        persistence.EnsureSqliteDirectory();
        // At start, before anything opens the file; the container disposes it (releasing the flock) at shutdown.
        var writerLock = persistence.Provider == PersistenceProvider.Sqlite ? SqliteWriterLock.Acquire(persistence.ConnectionString) : null;
        if (writerLock is not null) services.AddSingleton(_ => writerLock);
        services.AddSingleton(sp =>
        {
            var options = persistence;
            if (writerLock is not null) sp.GetRequiredService<SqliteWriterLock>();
            var serializer = AuditRecord.Register(AutonomySerialization.Register(new EventSerializer()));
            // Start-up is synchronous here: the node cannot serve anything without its journal.
            return PersistenceFactory.OpenAsync(options, serializer, sp.GetRequiredService<TimeProvider>()).GetAwaiter().GetResult();
        });
        services.AddSingleton<IEventJournal>(sp => sp.GetRequiredService<PersistenceContext>().Journal);
        services.AddNerfMcp(configuration);
        services.AddSingleton(sp => new ExecutorAvailability(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IActorRef<ExecutorCommand>>(sp => sp.GetRequiredService<ActorSystem>().Spawn(
            ExecutorActor.SupervisedProps(sp.GetRequiredService<AutonomyOptions>(), sp.GetRequiredService<PersistenceContext>(),
                sp.GetRequiredService<IToolInvoker>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ExecutorAvailability>(),
                sp.GetRequiredService<ILoggerFactory>().CreateLogger<ExecutorActor>()),
            "autonomy-executor"));
        services.AddHealthChecks().AddCheck<ExecutorReadinessCheck>(ExecutorReadinessCheck.Name, tags: [ManagementRoutes.ReadyTag]);
        if (autonomy.AnalystFeed.Enabled) services.AddSingleton<AnalystFeed>();
        return services;
    }
}

