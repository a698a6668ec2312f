using NerfEngine.Shared.Fabric.Persistence;
using NerfEngine.Shared.Fabric.Persistence.EventSourcing;
using NerfEngine.Shared.Fabric.Persistence.Serialization;
using NerfEngine.Shared.Fabric.Persistence.Verification;

namespace NerfEngine.Tests.SharedFabric.Persistence;

/// <summary>Recovery, snapshots, fencing and deletion through <see cref="PersistentState{TState,TEvent}"/>.</summary>
public abstract partial class JournalContract
{
    [Fact]
    public async Task Recovery_starts_from_the_latest_snapshot_and_replays_only_later_events()
    {
        var context = await OpenContextAsync();
        var live = await PersistentState<SensorTally, TallyEvent>.RecoverAsync("sensor-2", TallyModel.Behavior(), context);
        await live.PersistAllAsync([new SensorRenamed("edge"), new EdgesCounted(5), new EdgesCounted(6), new EdgesCounted(7), new EdgesCounted(8)]);
        await live.SaveSnapshotAsync();
        await live.PersistAsync(new EdgesCounted(100));
        await live.PersistAllAsync([new SensorRenamed("edge-2"), new EdgesCounted(1)]);

        var recovered = await PersistentState<SensorTally, TallyEvent>.RecoverAsync("sensor-2", TallyModel.Behavior(), await OpenContextAsync());

        Assert.Equal(new SensorTally("edge-2", 127, 6), recovered.State);
        Assert.Equal(live.State, recovered.State);
        Assert.Equal(8, recovered.SequenceNr);
        Assert.Equal(5, recovered.LastSnapshotSequenceNr);
        Assert.Equal(3, recovered.ReplayedEventCount);
        await recovered.PersistAsync(new EdgesCounted(1));
        Assert.Equal(9, await context.Journal.HighestSequenceNrAsync("sensor-2"));
    }

    [Fact]
    public async Task A_snapshot_is_taken_every_N_events_and_older_snapshots_are_pruned()
    {
        var context = await OpenContextAsync();
        var tally = await PersistentState<SensorTally, TallyEvent>.RecoverAsync("sensor-3", TallyModel.Behavior(snapshotEvery: 10), context);
        for (var i = 0; i < 25; i++)
        {
            await tally.PersistAsync(new EdgesCounted(1));
        }

        Assert.Equal(20, tally.LastSnapshotSequenceNr);
        Assert.Equal(20, (await context.Snapshots.LoadLatestAsync("sensor-3"))!.SequenceNr);
        Assert.Null(await context.Snapshots.LoadLatestAsync("sensor-3", maxSequenceNr: 19));

        await tally.PersistAllAsync(Enumerable.Repeat<TallyEvent>(new EdgesCounted(2), 12).ToList());
        Assert.Equal(37, tally.LastSnapshotSequenceNr);
        Assert.Null(tally.LastSnapshotFailure);

        var recovered = await PersistentState<SensorTally, TallyEvent>.RecoverAsync("sensor-3", TallyModel.Behavior(10), await OpenContextAsync());
        Assert.Equal(0, recovered.ReplayedEventCount);
        Assert.Equal(new SensorTally(string.Empty, 49, 37), recovered.State);
    }

    [Fact]
    public async Task Snapshot_store_loads_the_latest_at_or_below_a_sequence_and_deletes_older_ones()
    {
        var store = (await OpenContextAsync()).Snapshots;
        foreach (var seq in new long[] { 3, 7, 12 })
        {
            await store.SaveAsync(new SnapshotRecord("s", seq, Time.Now, "m", new byte[] { (byte)seq }));
        }

        await store.SaveAsync(new SnapshotRecord("s", 7, Time.Now, "m2", new byte[] { 70 }));

        Assert.Equal(12, (await store.LoadLatestAsync("s"))!.SequenceNr);
        var seven = (await store.LoadLatestAsync("s", maxSequenceNr: 10))!;
        Assert.Equal((7L, "m2", (byte)70), (seven.SequenceNr, seven.Manifest, seven.Payload.Span[0]));
        Assert.Equal(Time.Now, seven.Timestamp);
        Assert.Null(await store.LoadLatestAsync("s", maxSequenceNr: 2));
        Assert.Null(await store.LoadLatestAsync("other"));
        Assert.Equal(2, await store.DeleteOlderThanAsync("s", 12));
        Assert.Null(await store.LoadLatestAsync("s", maxSequenceNr: 11));
    }

    [Fact]
    public async Task A_second_writer_fences_the_first_which_refuses_to_diverge()
    {
        var context = await OpenContextAsync();
        var oldOwner = await PersistentState<SensorTally, TallyEvent>.RecoverAsync("executor", TallyModel.Behavior(), context);
        await oldOwner.PersistAsync(new EdgesCounted(1));
        var newOwner = await PersistentState<SensorTally, TallyEvent>.RecoverAsync("executor", TallyModel.Behavior(), await OpenContextAsync());
        await newOwner.PersistAsync(new EdgesCounted(2));

        var fenced = await Assert.ThrowsAsync<JournalConcurrencyException>(() => oldOwner.PersistAsync(new EdgesCounted(3)));
        Assert.Equal(1, fenced.ExpectedSequenceNr);
        Assert.Same(fenced, oldOwner.Fault);
        Assert.Equal(new SensorTally(string.Empty, 1, 1), oldOwner.State);
        await Assert.ThrowsAsync<InvalidOperationException>(() => oldOwner.PersistAsync(new EdgesCounted(4)));
        Assert.Equal(2, await context.Journal.HighestSequenceNrAsync("executor"));
    }

    [Fact]
    public async Task Deleted_events_vanish_from_reads_but_keep_their_sequence_numbers_and_hashes()
    {
        var context = await OpenContextAsync();
        var journal = context.Journal;
        await journal.AppendAsync("d", 0, TallyModel.Edges(1, 2, 3, 4, 5));

        Assert.Equal(3, await journal.DeleteToAsync("d", 3));
        Assert.Equal([4L, 5], (await ToListAsync(journal.ReadEventsAsync("d"))).Select(e => e.SequenceNr));
        Assert.Equal(5, (await ToListAsync(journal.ReadEventsAsync("d", includeDeleted: true))).Count);
        Assert.Equal(5, await journal.HighestSequenceNrAsync("d"));
        await journal.AppendAsync("d", 5, TallyModel.Edges(6));

        var recovered = await PersistentState<SensorTally, TallyEvent>.RecoverAsync("d", TallyModel.Behavior(), context);
        Assert.Equal((6L, 3L, 15L), (recovered.SequenceNr, recovered.ReplayedEventCount, recovered.State.Edges));
        var verdict = await JournalVerifier.VerifyAsync(journal);
        Assert.True(verdict.IsOk, verdict.Message);
        Assert.Equal(6, verdict.EventsChecked);
    }

    [Fact]
    public async Task Snapshotting_a_state_type_without_a_manifest_is_refused_at_recovery()
    {
        var eventsOnly = new EventSerializer().Register<EdgesCounted>(TallyModel.EdgesManifest);
        await using var context = await PersistenceFactory.OpenAsync(Options, eventsOnly, Time);

        var error = await Assert.ThrowsAsync<ArgumentException>(
            () => PersistentState<SensorTally, TallyEvent>.RecoverAsync("s", TallyModel.Behavior(snapshotEvery: 10), context));

        Assert.Contains(nameof(SensorTally), error.Message, StringComparison.Ordinal);
    }
}
