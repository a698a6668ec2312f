using NerfEngine.Shared.Fabric.Actors;
using NerfEngine.Shared.Fabric.Actors.Testing;
using NerfEngine.Shared.Fabric.Persistence;
using NerfEngine.Shared.Fabric.Persistence.Sqlite;

namespace NerfEngine.Tests.SharedFabric.Persistence;

/// <summary>The persistent actor on the real actor kernel and a SQLite journal file.</summary>
public sealed class PersistentActorTests : IAsyncLifetime
{
    private static readonly TimeSpan Expect = TimeSpan.FromSeconds(5);
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"nerf-actor-{Guid.NewGuid():N}.db");
    private readonly ActorSystem _system = ActorSystem.Create("persistence-test", new ActorSystemOptions
    {
        DefaultSupervisorStrategy = SupervisorStrategy.Default with { Backoff = RestartBackoff.None },
    });

    private PersistenceContext _persistence = null!;
    private GatedJournal _journal = null!;

    public async Task InitializeAsync()
    {
        var connectionString = $"Data Source={_path}";
        _journal = new GatedJournal(await SqliteEventJournal.OpenAsync(connectionString));
        _persistence = new PersistenceContext(_journal, await SqliteSnapshotStore.OpenAsync(connectionString), TallyModel.NewSerializer(), TimeProvider.System);
    }

    public async Task DisposeAsync()
    {
        await _system.TerminateAsync();
        await _persistence.DisposeAsync();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(_path + suffix);
        }
    }

    [Fact]
    public async Task Commands_arriving_during_a_persist_wait_until_it_completed_and_its_handler_ran()
    {
        var tally = _system.Spawn(Props.Create(() => new TallyActor("sensor-a", _persistence)), "tally");
        var probe = new TestProbe(_system);
        _journal.Close();

        tally.Tell(new CountEdges(5, probe.Ref<Counted>()));
        await _journal.AppendStarted.Task.WaitAsync(Expect);
        tally.Tell(new GetTally(probe.Ref<SensorTally>()));
        await probe.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(150));
        _journal.Release();

        var counted = await probe.ExpectMsgAsync<Counted>(Expect);
        var seen = await probe.ExpectMsgAsync<SensorTally>(Expect);
        Assert.Equal(1, counted.SequenceNr);
        Assert.Equal(5, seen.Edges);
    }

    [Fact]
    public async Task A_persist_the_handler_did_not_await_still_holds_back_the_next_command()
    {
        var tally = _system.Spawn(Props.Create(() => new TallyActor("sensor-c", _persistence)), "tally");
        var probe = new TestProbe(_system);
        _journal.Close();

        tally.Tell(new CountEdgesWithoutAwaiting(7));
        await _journal.AppendStarted.Task.WaitAsync(Expect);
        tally.Tell(new GetTally(probe.Ref<SensorTally>()));
        await probe.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(150));
        _journal.Release();

        Assert.Equal(7, (await probe.ExpectMsgAsync<SensorTally>(Expect)).Edges);
    }

    [Fact]
    public async Task A_restarted_actor_recovers_its_state_from_snapshot_and_events()
    {
        var probe = new TestProbe(_system);
        var first = _system.Spawn(Props.Create(() => new TallyActor("sensor-b", _persistence, snapshotEvery: 5)), "first");
        for (var i = 1; i <= 6; i++)
        {
            first.Tell(new CountEdges(i, probe.Ref<Counted>()));
        }

        first.Tell(new CountBatches([10, 20, 30, 40, 50, 60], probe.Ref<Counted>()));
        var replies = await probe.ReceiveNAsync<Counted>(7, Expect);
        Assert.Equal(Enumerable.Range(1, 6).Select(i => (long)i).Append(12), replies.Select(r => r.SequenceNr));
        await _system.StopAsync(first);

        var second = _system.Spawn(Props.Create(() => new TallyActor("sensor-b", _persistence, snapshotEvery: 5)), "second");
        second.Tell(new GetTally(probe.Ref<SensorTally>()));

        Assert.Equal(new SensorTally(string.Empty, 231, 12), await probe.ExpectMsgAsync<SensorTally>(Expect));
        Assert.Equal(12, (await _persistence.Snapshots.LoadLatestAsync("sensor-b"))!.SequenceNr);
    }

    [Fact]
    public async Task An_actor_fenced_off_by_a_concurrent_writer_stops_instead_of_diverging()
    {
        var probe = new TestProbe(_system);
        var tally = _system.Spawn(Props.Create(() => new TallyActor("executor", _persistence)), "executor");
        probe.Watch(tally);
        tally.Tell(new CountEdges(1, probe.Ref<Counted>()));
        await probe.ExpectMsgAsync<Counted>(Expect);

        await _journal.AppendAsync("executor", 1, TallyModel.Edges(1000));
        tally.Tell(new CountEdges(2, probe.Ref<Counted>()));
        tally.Tell(new CountEdges(3, probe.Ref<Counted>()));

        await probe.ExpectMsgAsync<Terminated>(Expect);
        Assert.Equal(2, await _journal.HighestSequenceNrAsync("executor"));
        var stored = new List<JournalEvent>();
        await foreach (var e in _journal.ReadEventsAsync("executor"))
        {
            stored.Add(e);
        }

        Assert.Equal(1000, ((EdgesCounted)_persistence.Serializer.Deserialize(stored[1])).Count);
    }
}
