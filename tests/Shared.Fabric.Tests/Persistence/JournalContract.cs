using System.Data.Common;
using NerfEngine.Shared.Fabric.Persistence;
using NerfEngine.Shared.Fabric.Persistence.EventSourcing;
using NerfEngine.Shared.Fabric.Persistence.Verification;

namespace NerfEngine.Tests.SharedFabric.Persistence;

/// <summary>
/// The behaviour every journal + snapshot store must show, run against SQLite and the real PostgreSQL by the
/// derived classes. Each test gets its own database (SQLite file / PostgreSQL schema), so classes run in parallel.
/// </summary>
public abstract partial class JournalContract : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _opened = [];

    /// <summary>Clock of every journal the test opens.</summary>
    protected TestClock Time { get; } = new(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero));

    /// <summary>Options naming this test's private database.</summary>
    protected abstract PersistenceOptions Options { get; }

    /// <summary>Table name as raw SQL must spell it (schema-qualified on PostgreSQL).</summary>
    protected abstract string Table(string name);

    /// <summary>A raw connection to this test's database, for tampering.</summary>
    protected abstract Task<DbConnection> OpenRawConnectionAsync();

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual async Task DisposeAsync()
    {
        foreach (var opened in _opened)
        {
            await opened.DisposeAsync();
        }
    }

    [Fact]
    public async Task Appended_events_read_back_in_order_with_a_linked_hash_chain()
    {
        var journal = await OpenJournalAsync();
        var first = await journal.AppendAsync("sensor-1", 0, TallyModel.Edges(10, 20, 30));
        var second = await journal.AppendAsync("sensor-1", 3, [new EventToAppend("raw.note", new byte[] { 1, 2, 3 }, ["a", "b"])]);

        Assert.Equal((1, 3), (first.FirstSequenceNr, first.LastSequenceNr));
        Assert.Equal((4, 4), (second.FirstSequenceNr, second.LastSequenceNr));
        var events = await ToListAsync(journal.ReadEventsAsync("sensor-1"));
        Assert.Equal([1L, 2, 3, 4], events.Select(e => e.SequenceNr));
        Assert.Equal(Time.Now, events[0].Timestamp);
        Assert.Equal(new byte[] { 1, 2, 3 }, events[3].Payload.ToArray());
        Assert.Equal(["a", "b"], events[3].Tags);
        Assert.Equal(new byte[EventHash.Size], events[0].PrevHash.ToArray());
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            Assert.Equal(EventHash.Compute(e.PrevHash.Span, e.PersistenceId, e.SequenceNr, e.Manifest, e.Payload.Span), e.Hash.ToArray());
            if (i > 0)
            {
                Assert.Equal(events[i - 1].Hash.ToArray(), e.PrevHash.ToArray());
            }
        }

        Assert.Equal(second.LastHash.ToArray(), events[3].Hash.ToArray());
        Assert.Equal([2L, 3], (await ToListAsync(journal.ReadEventsAsync("sensor-1", 2, 3))).Select(e => e.SequenceNr));
        Assert.Equal(4, await journal.HighestSequenceNrAsync("sensor-1"));
        Assert.Equal(0, await journal.HighestSequenceNrAsync("never-written"));
    }

    [Fact]
    public async Task Global_ordering_follows_append_order_across_ids_and_pages_by_offset()
    {
        var journal = await OpenJournalAsync();
        await journal.AppendAsync("a", 0, TallyModel.Edges(1, 2));
        await journal.AppendAsync("b", 0, TallyModel.Edges(3));
        await journal.AppendAsync("a", 2, TallyModel.Edges(4));
        await journal.AppendAsync("c", 0, TallyModel.Edges(5, 6));

        var all = await ToListAsync(journal.ReadAllEventsAsync());
        Assert.Equal(["a/1", "a/2", "b/1", "a/3", "c/1", "c/2"], all.Select(e => $"{e.PersistenceId}/{e.SequenceNr}"));
        Assert.True(all.Zip(all.Skip(1)).All(p => p.First.GlobalOrdering < p.Second.GlobalOrdering));

        var page1 = await ToListAsync(journal.ReadAllEventsAsync(0, 4));
        var page2 = await ToListAsync(journal.ReadAllEventsAsync(page1[^1].GlobalOrdering, 4));
        Assert.Equal(all.Select(e => e.GlobalOrdering), page1.Concat(page2).Select(e => e.GlobalOrdering));
        Assert.Equal(["a", "b", "c"], await journal.CurrentPersistenceIdsAsync());
    }

    [Fact]
    public async Task Events_are_found_by_exact_tag_in_global_order()
    {
        var context = await OpenContextAsync();
        var tally = await PersistentState<SensorTally, TallyEvent>.RecoverAsync("sensor-7", TallyModel.Behavior(), context);
        await tally.PersistAllAsync([new EdgesCounted(1), new SensorRenamed("edge-7"), new EdgesCounted(2), new SensorRenamed("core-7")]);

        var renamed = await ToListAsync(context.Journal.ReadEventsByTagAsync("renamed"));
        Assert.Equal([2L, 4], renamed.Select(e => e.SequenceNr));
        Assert.Empty(await ToListAsync(context.Journal.ReadEventsByTagAsync("rename")));
        Assert.Equal([4L], (await ToListAsync(context.Journal.ReadEventsByTagAsync("renamed", renamed[0].GlobalOrdering))).Select(e => e.SequenceNr));
    }

    [Fact]
    public async Task Two_writers_with_the_same_expected_sequence_one_wins_and_the_other_gets_a_concurrency_error()
    {
        var nodeA = await OpenJournalAsync();
        var nodeB = await OpenJournalAsync();
        await nodeA.AppendAsync("singleton", 0, TallyModel.Edges(1));

        for (var round = 0; round < 8; round++)
        {
            var expected = 1 + round * 2;
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var writes = new[] { nodeA, nodeB }
                .Select(j => Task.Run(async () =>
                {
                    await start.Task;
                    return await j.AppendAsync("singleton", expected, TallyModel.Edges(7, 8));
                }))
                .ToArray();
            start.SetResult();
            var outcomes = await Task.WhenAll(writes.Select(Capture));

            Assert.Single(outcomes, o => o.Error is null);
            var loser = Assert.IsType<JournalConcurrencyException>(Assert.Single(outcomes, o => o.Error is not null).Error);
            Assert.Equal("singleton", loser.PersistenceId);
            Assert.Equal(expected, loser.ExpectedSequenceNr);
            Assert.Contains("'singleton'", loser.Message, StringComparison.Ordinal);
        }

        Assert.Equal(17, await nodeA.HighestSequenceNrAsync("singleton"));
        Assert.True((await JournalVerifier.VerifyAsync(nodeB)).IsOk);
    }

    [Fact]
    public async Task A_stale_or_premature_expected_sequence_is_refused_and_writes_nothing()
    {
        var journal = await OpenJournalAsync();
        await journal.AppendAsync("s", 0, TallyModel.Edges(1, 2, 3));

        var stale = await Assert.ThrowsAsync<JournalConcurrencyException>(() => journal.AppendAsync("s", 1, TallyModel.Edges(9)));
        var ahead = await Assert.ThrowsAsync<JournalConcurrencyException>(() => journal.AppendAsync("s", 5, TallyModel.Edges(9)));
        var fresh = await Assert.ThrowsAsync<JournalConcurrencyException>(() => journal.AppendAsync("s", 0, TallyModel.Edges(9)));

        Assert.Equal(3, stale.ActualHighestSequenceNr);
        Assert.Equal(3, ahead.ActualHighestSequenceNr);
        Assert.Equal(3, fresh.ActualHighestSequenceNr);
        Assert.Equal(3, await journal.HighestSequenceNrAsync("s"));
        await Assert.ThrowsAsync<ArgumentException>(() => journal.AppendAsync("s", 3, []));
    }

    [Fact]
    public async Task Opening_the_same_journal_concurrently_creates_the_schema_once()
    {
        var journals = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => OpenJournalAsync()));
        await journals[0].AppendAsync("shared", 0, TallyModel.Edges(1));

        Assert.Equal(1, await journals[3].HighestSequenceNrAsync("shared"));
    }

    /// <summary>Opens a journal on this test's database; disposed with the test.</summary>
    protected async Task<IEventJournal> OpenJournalAsync()
    {
        var journal = await PersistenceFactory.OpenJournalAsync(Options, Time);
        Track(journal);
        return journal;
    }

    /// <summary>Opens journal + snapshots on this test's database; disposed with the test.</summary>
    protected async Task<PersistenceContext> OpenContextAsync()
    {
        var context = await PersistenceFactory.OpenAsync(Options, TallyModel.NewSerializer(), Time);
        Track(context);
        return context;
    }

    /// <summary>Runs tampering SQL on this test's database.</summary>
    protected async Task<int> ExecuteSqlAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = await OpenRawConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }

        return await command.ExecuteNonQueryAsync();
    }

    protected static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> source)
    {
        var list = new List<T>();
        await foreach (var item in source)
        {
            list.Add(item);
        }

        return list;
    }

    private void Track(IAsyncDisposable disposable)
    {
        lock (_opened)
        {
            _opened.Add(disposable);
        }
    }

    private async Task<IEventJournal> SeedFiveEventsAsync()
    {
        var journal = await OpenJournalAsync();
        await journal.AppendAsync("bystander", 0, TallyModel.Edges(1, 1));
        await journal.AppendAsync("victim", 0, TallyModel.Edges(10, 20, 30, 40, 50));
        Assert.True((await JournalVerifier.VerifyAsync(journal)).IsOk);
        return journal;
    }

    private static async Task<long> OrderingOfAsync(IEventJournal journal, long sequenceNr) =>
        (await ToListAsync(journal.ReadAllEventsAsync())).Single(e => e.PersistenceId == "victim" && e.SequenceNr == sequenceNr).GlobalOrdering;

    private static async Task<(Exception? Error, AppendResult? Result)> Capture(Task<AppendResult> write)
    {
        try
        {
            return (null, await write);
        }
        catch (Exception ex)
        {
            return (ex, null);
        }
    }

    private static void AssertProblem(JournalVerificationResult verdict, JournalProblemKind kind, long sequenceNr)
    {
        Assert.False(verdict.IsOk);
        Assert.Equal((kind, "victim", (long?)sequenceNr), (verdict.Problem, verdict.PersistenceId, verdict.SequenceNr));
    }
}
