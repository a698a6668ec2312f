using NerfEngine.Control.Registry;
using NerfEngine.Control.Registry.Audit;
using NerfEngine.Shared.Fabric.Actors.Testing;
using NerfEngine.Shared.Fabric.Persistence;

namespace NerfEngine.Tests.ControlNode.Registry;

/// <summary>
/// Admitted mutations are audited write-ahead: the budget unit is in the journal before the handler runs and the outcome
/// before the reply, so a kill can neither refill a budget nor leave an acknowledged mutation without evidence. Reads stay
/// group-committed behind the reply and are flushed on a graceful stop.
/// </summary>
public sealed class WriteAheadAuditTests
{
    private static readonly AgentIdentity Alice = new("alice", AgentMode.Mutate, 3);

    [Fact]
    public async Task A_mutation_is_journaled_before_its_handler_runs_and_its_outcome_before_the_reply_while_reads_stay_group_committed()
    {
        // A long group-commit delay: anything that reaches the journal at once took the durable path.
        var options = new RegistryOptions { AuditGroupCommitDelay = TimeSpan.FromSeconds(2) };
        await using var f = await RegistryFixture.StartAsync(new ManualTimeProvider(), options);
        List<AuditRecord>? seenByHandler = null;
        f.Tools.BeforeMutation = async _ => seenByHandler = await JournaledAsync(f);

        var mutation = await f.Registry.CallAsync(Alice, "bump_unlimited", "{}");
        Assert.True(mutation.IsSuccess);

        var ahead = Assert.Single(seenByHandler!);
        Assert.Equal((mutation.CallId, AuditOutcomes.Admitted, true, false, true), (ahead.Id, ahead.Outcome, ahead.Admitted, ahead.Committed, ahead.Mutates));
        Assert.Equal(("alice", "bump_unlimited", "{}"), (ahead.Agent, ahead.Tool, ahead.Params));
        var afterReply = await JournaledAsync(f);
        Assert.Equal([AuditOutcomes.Admitted, AuditOutcomes.Ok], afterReply.Select(r => r.Outcome));
        Assert.All(afterReply, r => Assert.Equal(mutation.CallId, r.Id));
        Assert.True(afterReply[1].Committed);

        var read = await f.Registry.CallAsync(Alice, "echo_numbers", """{"count":2}""");
        Assert.True(read.IsSuccess);
        Assert.DoesNotContain(await JournaledAsync(f), r => r.Id == read.CallId); // still inside the group-commit window
        Assert.Contains(await f.AuditAsync(), r => r.Id == read.CallId && r.Outcome == AuditOutcomes.Ok); // a flush writes it
    }

    [Fact]
    public async Task A_dry_run_of_a_mutation_is_one_record_journaled_before_the_reply()
    {
        var options = new RegistryOptions { AuditGroupCommitDelay = TimeSpan.FromSeconds(2) };
        await using var f = await RegistryFixture.StartAsync(new ManualTimeProvider(), options);
        var result = await f.Registry.CallAsync(Alice, "bump_unlimited", "{}", new ToolCallOptions(DryRun: true));
        Assert.True(result.IsSuccess);
        var record = Assert.Single(await JournaledAsync(f));
        Assert.Equal((AuditOutcomes.DryRun, true, false), (record.Outcome, record.Admitted, record.Committed));
    }

    [Fact]
    public async Task A_mutation_whose_admission_the_journal_refuses_does_not_run_and_says_it_may_be_retried()
    {
        var options = new RegistryOptions { AuditGroupCommitDelay = TimeSpan.Zero, AuditAppendAttempts = 2, AuditRetryDelay = TimeSpan.FromMilliseconds(5) };
        FailingJournal? failing = null;
        await using var f = await RegistryFixture.StartAsync(new ManualTimeProvider(), options, wrapJournal: j => failing = new FailingJournal(j));
        failing!.FailAppends = true;

        var refused = await f.Registry.CallAsync(Alice, "bump_unlimited", "{}");
        Assert.Equal(ToolCallStatus.ToolError, refused.Status);
        Assert.Equal((ToolErrorCodes.Unavailable, true), (refused.Error!.Code, refused.Error.Retryable));
        Assert.Equal(0, f.Tools.Mutations);
        Assert.True(f.Audit.Failed >= 1);

        failing.FailAppends = false;
        Assert.True((await f.Registry.CallAsync(Alice, "bump_unlimited", "{}")).IsSuccess);
        Assert.Equal(1, f.Tools.Mutations);
    }

    [Fact]
    public async Task A_raw_store_error_from_the_journal_fails_the_call_clearly_and_the_audit_writer_keeps_running()
    {
        var options = new RegistryOptions { AuditGroupCommitDelay = TimeSpan.Zero, AuditAppendAttempts = 2, AuditRetryDelay = TimeSpan.FromMilliseconds(5) };
        FailingJournal? failing = null;
        await using var f = await RegistryFixture.StartAsync(new ManualTimeProvider(), options, wrapJournal: j => failing = new FailingJournal(j));
        // What SQLite throws for a busy or full database: not a JournalException.
        failing!.Failure = () => new Microsoft.Data.Sqlite.SqliteException("database is locked", 5);
        failing.FailAppends = true;

        var refused = await f.Registry.CallAsync(Alice, "bump_unlimited", "{}").AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal((ToolErrorCodes.Unavailable, true), (refused.Error!.Code, refused.Error.Retryable));
        Assert.Equal(0, f.Tools.Mutations);

        failing.FailAppends = false;
        var next = await f.Registry.CallAsync(Alice, "bump_unlimited", "{}").AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(next.IsSuccess);
        Assert.Equal(1, f.Tools.Mutations);
    }

    [Fact]
    public async Task A_call_killed_between_admission_and_outcome_still_holds_its_budget_unit_after_a_restart()
    {
        var time = new ManualTimeProvider();
        var path = Path.Combine(Path.GetTempPath(), $"nerf-registry-{Guid.NewGuid():N}.db");
        var first = await RegistryFixture.StartAsync(time, path: path);
        Assert.True((await first.Registry.CallAsync(Alice, "bump_unlimited", "{}")).IsSuccess);
        // What a kill inside the handler leaves: the write-ahead record and no outcome.
        Assert.True(await first.RecordInterruptedCallAsync(time, "alice", "bump_unlimited"));
        await first.CloseAsync();

        await using var second = await RegistryFixture.StartAsync(time, path: path);
        await second.Registry.RestoreBudgetsAsync();
        Assert.Equal(1, second.Registry.Admission.MutationsRemaining(Alice)); // two calls, three tagged records
    }

    /// <summary>The audit records in the journal right now, without flushing the trail.</summary>
    private static async Task<List<AuditRecord>> JournaledAsync(RegistryFixture f)
    {
        var records = new List<AuditRecord>();
        await foreach (var e in f.Journal.ReadEventsAsync(f.Audit.PersistenceId))
        {
            records.Add(AuditRecord.FromPayload(e.Payload.Span));
        }

        return records;
    }

    /// <summary>A journal whose appends fail while <see cref="FailAppends"/> is set; everything else goes to the real one.</summary>
    private sealed class FailingJournal(IEventJournal inner) : IEventJournal
    {
        public volatile bool FailAppends;

        /// <summary>What a failing append throws (default: the journal's own exception type).</summary>
        public Func<Exception> Failure { get; set; } = () => new JournalException("journal unavailable (test)");

        public Task<AppendResult> AppendAsync(string persistenceId, long expectedSequenceNr, IReadOnlyList<EventToAppend> events, CancellationToken cancellationToken = default) =>
            FailAppends
                ? Task.FromException<AppendResult>(Failure())
                : inner.AppendAsync(persistenceId, expectedSequenceNr, events, cancellationToken);

        public IAsyncEnumerable<JournalEvent> ReadEventsAsync(string persistenceId, long fromSequenceNr = 1, long toSequenceNr = long.MaxValue, bool includeDeleted = false, CancellationToken cancellationToken = default) =>
            inner.ReadEventsAsync(persistenceId, fromSequenceNr, toSequenceNr, includeDeleted, cancellationToken);

        public IAsyncEnumerable<JournalEvent> ReadAllEventsAsync(long afterOrdering = 0, int limit = int.MaxValue, bool includeDeleted = false, CancellationToken cancellationToken = default) =>
            inner.ReadAllEventsAsync(afterOrdering, limit, includeDeleted, cancellationToken);

        public IAsyncEnumerable<JournalEvent> ReadEventsByTagAsync(string tag, long afterOrdering = 0, int limit = int.MaxValue, CancellationToken cancellationToken = default) =>
            inner.ReadEventsByTagAsync(tag, afterOrdering, limit, cancellationToken);

        public Task<IReadOnlyList<string>> CurrentPersistenceIdsAsync(CancellationToken cancellationToken = default) => inner.CurrentPersistenceIdsAsync(cancellationToken);

        public Task<long> HighestSequenceNrAsync(string persistenceId, CancellationToken cancellationToken = default) => inner.HighestSequenceNrAsync(persistenceId, cancellationToken);

        public Task<long> DeleteToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken = default) => inner.DeleteToAsync(persistenceId, toSequenceNr, cancellationToken);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
