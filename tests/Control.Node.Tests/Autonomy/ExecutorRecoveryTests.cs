using System.Diagnostics;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using NerfEngine.Control.Autonomy;
using NerfEngine.Control.Autonomy.Execution;
using NerfEngine.Control.Autonomy.Gates;
using NerfEngine.Control.Autonomy.Ledger;
using NerfEngine.Control.Embedded;
using NerfEngine.Shared.Fabric.Actors.Testing;
using NerfEngine.Shared.Fabric.Persistence;
using NerfEngine.Shared.Fabric.Persistence.Sqlite;
using static NerfEngine.Tests.ControlNode.Autonomy.AutonomyTestData;

namespace NerfEngine.Tests.ControlNode.Autonomy;

/// <summary>
/// The supervised executor survives what used to kill it silently: a second writer appending to its journal (on a real
/// SQLite file and on real PostgreSQL) and a journal that cannot be reached. The request that hits the failure gets a
/// clear retryable error, asks meanwhile fail at once, readiness says why, and the executor recovers the journal's state.
/// </summary>
public sealed class ExecutorRecoveryTests
{
    private static readonly TimeSpan Backoff = TimeSpan.FromSeconds(1);

    private static readonly AutonomyOptions SupervisedOptions = new()
    {
        ExecutorRestartMinBackoff = Backoff,
        ExecutorRestartMaxBackoff = TimeSpan.FromSeconds(4),
    };

    /// <summary>Asks that fail "at once" must beat this by far (the tool's ask timeout is 40 s).</summary>
    private static readonly TimeSpan Fast = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Second_writer_on_sqlite_gives_a_retryable_error_then_the_executor_recovers_its_events()
    {
        var path = Path.Combine(Path.GetTempPath(), $"nerf-autonomy-second-writer-{Guid.NewGuid():N}.db");
        try
        {
            await SecondWriterScenarioAsync(time => ExecutorHarness.OpenSqliteAsync(path, time));
        }
        finally
        {
            ExecutorHarness.DeleteSqlite(path);
        }
    }

    [Fact]
    public async Task Second_writer_on_postgres_gives_a_retryable_error_then_the_executor_recovers_its_events()
    {
        var schema = AutonomyPostgres.NewSchemaName();
        try
        {
            await SecondWriterScenarioAsync(time => AutonomyPostgres.OpenAsync(schema, time));
        }
        finally
        {
            await AutonomyPostgres.DropSchemaAsync(schema);
        }
    }

    [Fact]
    public async Task Unreachable_journal_answers_unavailable_at_once_and_readiness_fails_until_it_is_back()
    {
        var path = Path.Combine(Path.GetTempPath(), $"nerf-autonomy-unreachable-{Guid.NewGuid():N}.db");
        try
        {
            var time = new ManualTimeProvider(T0);
            var real = await ExecutorHarness.OpenSqliteAsync(path, time);
            var journal = new CuttableJournal(real.Journal);
            await using var persistence = new PersistenceContext(journal, real.Snapshots, real.Serializer, time);
            await using var harness = ExecutorHarness.StartSupervised(persistence, new CountingToolInvoker(), time, SupervisedOptions);
            var readiness = new ExecutorReadinessCheck(harness.Availability!, harness.Executor);
            await harness.PromoteToAsync(AutonomyPhase.Shadow);
            Assert.Equal(HealthStatus.Healthy, (await readiness.CheckHealthAsync(new HealthCheckContext())).Status);

            journal.Cut();
            var clock = Stopwatch.StartNew();
            var failed = await Assert.ThrowsAsync<ExecutorUnavailableException>(() => harness.ProposeAsync(Prune()));
            Assert.True(clock.Elapsed < Fast, $"took {clock.Elapsed}");
            Assert.StartsWith("Not decided:", failed.Message);
            Assert.Contains("Cannot connect to the journal database", failed.Message);

            // Restarting with backoff; every recovery attempt fails while the journal is cut.
            await harness.AdvanceUntilAsync(s => s.Failures >= 3, Backoff);
            var health = await readiness.CheckHealthAsync(new HealthCheckContext());
            Assert.Equal(HealthStatus.Unhealthy, health.Status);
            Assert.Contains("executor unavailable", health.Description);
            Assert.Contains("Cannot connect to the journal database", health.Description);
            clock.Restart();
            var status = await Assert.ThrowsAsync<ExecutorUnavailableException>(harness.StatusAsync);
            Assert.True(clock.Elapsed < Fast, $"took {clock.Elapsed}");
            Assert.Contains("unavailable", status.Message);

            journal.Restore();
            await harness.AdvanceUntilAsync(s => s.IsAvailable, Backoff);
            Assert.Equal(HealthStatus.Healthy, (await readiness.CheckHealthAsync(new HealthCheckContext())).Status);
            Assert.Equal(1, (await harness.StatusAsync()).Phase);
            Assert.IsType<Shadowed>((await harness.ProposeAsync(Prune())).Outcome);
        }
        finally
        {
            ExecutorHarness.DeleteSqlite(path);
        }
    }

    private static async Task SecondWriterScenarioAsync(Func<TimeProvider, Task<PersistenceContext>> open)
    {
        var time = new ManualTimeProvider(T0);
        var invoker = new CountingToolInvoker();
        await using var ours = await open(time);
        await using var harness = ExecutorHarness.StartSupervised(ours, invoker, time, SupervisedOptions);
        await harness.PromoteToAsync(AutonomyPhase.LimitedMutation);
        Assert.IsType<Executed>((await harness.ProposeAsync(Reinforce(edge: "ours-1"))).Outcome);
        var before = await harness.LogAsync();

        // Another process on the same journal: its own executor, deciding behind our executor's back.
        Control.Autonomy.Status.AutonomyStatus theirStatus;
        await using (var theirs = await open(time))
        {
            await using var other = ExecutorHarness.Start(theirs, invoker, time, SupervisedOptions);
            for (var i = 1; i <= 2; i++)
            {
                await other.AdvanceAsync(TimeSpan.FromMinutes(5));
                Assert.IsType<Executed>((await other.ProposeAsync(Reinforce(edge: $"theirs-{i}"))).Outcome);
            }

            theirStatus = await other.StatusAsync();
        }

        var highest = await ours.Journal.HighestSequenceNrAsync(SupervisedOptions.ExecutorPersistenceId);
        var conflict = await Assert.ThrowsAsync<ExecutorUnavailableException>(() => harness.ProposeAsync(Reinforce(edge: "ours-2")));
        Assert.StartsWith("Not decided: another writer appended events", conflict.Message);
        Assert.Contains($"–{highest} to journal id '{SupervisedOptions.ExecutorPersistenceId}'", conflict.Message);
        Assert.EndsWith("Nothing was executed; retry.", conflict.Message);
        Assert.IsType<JournalConcurrencyException>(conflict.InnerException);

        // Not accepting commands for the moment: asks fail at once until the restart has recovered.
        await harness.WaitUntilAsync(s => !s.IsAvailable);
        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAsync<ExecutorUnavailableException>(harness.StatusAsync);
        Assert.True(clock.Elapsed < Fast, $"took {clock.Elapsed}");

        await harness.AdvanceUntilAsync(s => s.IsAvailable, Backoff);
        Assert.Equal(highest, harness.Availability!.Current.SequenceNr);
        var recovered = await harness.StatusAsync();
        Assert.Equal(theirStatus.Phase, recovered.Phase);
        Assert.Equal(theirStatus.Executor.Trust, recovered.Executor.Trust, 10);
        var log = await harness.LogAsync();
        Assert.Equal(before.TotalDecisions + 2, log.TotalDecisions);
        Assert.Equal(["ours-1", "theirs-1", "theirs-2"], log.Entries.Select(e => e.Proposal.Arguments.GetProperty("edge_id").GetString()));

        // Decided on the journal's state: the other writer's two grants used up the budget of three an hour.
        var next = await harness.ProposeAsync(Reinforce(edge: "ours-2"));
        Assert.Equal(GateNames.Budget, Assert.IsType<Rejected>(next.Outcome).Gate);
        Assert.Equal(3, invoker.Calls);
    }

    /// <summary>A real journal whose database "goes away" on demand: every call fails as an unreachable server's would.</summary>
    private sealed class CuttableJournal(IEventJournal inner) : IEventJournal
    {
        private volatile bool _cut;

        public void Cut() => _cut = true;

        public void Restore() => _cut = false;

        public Task<AppendResult> AppendAsync(string persistenceId, long expectedSequenceNr, IReadOnlyList<EventToAppend> events, CancellationToken cancellationToken = default)
        {
            Check();
            return inner.AppendAsync(persistenceId, expectedSequenceNr, events, cancellationToken);
        }

        public IAsyncEnumerable<JournalEvent> ReadEventsAsync(
            string persistenceId, long fromSequenceNr = 1, long toSequenceNr = long.MaxValue, bool includeDeleted = false, CancellationToken cancellationToken = default)
        {
            Check();
            return inner.ReadEventsAsync(persistenceId, fromSequenceNr, toSequenceNr, includeDeleted, cancellationToken);
        }

        public IAsyncEnumerable<JournalEvent> ReadAllEventsAsync(long afterOrdering = 0, int limit = int.MaxValue, bool includeDeleted = false, CancellationToken cancellationToken = default)
        {
            Check();
            return inner.ReadAllEventsAsync(afterOrdering, limit, includeDeleted, cancellationToken);
        }

        public IAsyncEnumerable<JournalEvent> ReadEventsByTagAsync(string tag, long afterOrdering = 0, int limit = int.MaxValue, CancellationToken cancellationToken = default)
        {
            Check();
            return inner.ReadEventsByTagAsync(tag, afterOrdering, limit, cancellationToken);
        }

        public Task<IReadOnlyList<string>> CurrentPersistenceIdsAsync(CancellationToken cancellationToken = default)
        {
            Check();
            return inner.CurrentPersistenceIdsAsync(cancellationToken);
        }

        public Task<long> HighestSequenceNrAsync(string persistenceId, CancellationToken cancellationToken = default)
        {
            Check();
            return inner.HighestSequenceNrAsync(persistenceId, cancellationToken);
        }

        public Task<long> DeleteToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken = default)
        {
            Check();
            return inner.DeleteToAsync(persistenceId, toSequenceNr, cancellationToken);
        }

        public ValueTask DisposeAsync() => inner.DisposeAsync();

        private void Check()
        {
            if (_cut)
            {
                throw new JournalConnectionException("127.0.0.1:5432/nerf_test (cut by the test)", new IOException("Connection refused"));
            }
        }
    }
}
