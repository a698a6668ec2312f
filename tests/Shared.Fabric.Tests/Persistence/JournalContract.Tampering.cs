using NerfEngine.Shared.Fabric.Persistence;
using NerfEngine.Shared.Fabric.Persistence.EventSourcing;
using NerfEngine.Shared.Fabric.Persistence.Serialization;
using NerfEngine.Shared.Fabric.Persistence.Verification;

namespace NerfEngine.Tests.SharedFabric.Persistence;

/// <summary>Tampered, corrupt and future-version journals: found by the verifier or refused with a clear error.</summary>
public abstract partial class JournalContract
{
    [Fact]
    public async Task Verifier_passes_an_untampered_journal()
    {
        var journal = await OpenJournalAsync();
        await journal.AppendAsync("x", 0, TallyModel.Edges(1, 2, 3));
        await journal.AppendAsync("y", 0, TallyModel.Edges(4));
        await journal.AppendAsync("x", 3, TallyModel.Edges(5, 6));

        var all = await JournalVerifier.VerifyAsync(journal);
        var one = await JournalVerifier.VerifyAsync(journal, "x");

        Assert.Equal((JournalProblemKind.None, 6L), (all.Problem, all.EventsChecked));
        Assert.True(one.IsOk);
        Assert.Equal(5, one.EventsChecked);
    }

    [Fact]
    public async Task Verifier_catches_a_payload_modified_with_raw_sql()
    {
        var journal = await SeedFiveEventsAsync();
        await ExecuteSqlAsync($"UPDATE {Table("event_journal")} SET payload = @p WHERE persistence_id = 'victim' AND sequence_nr = 3", ("p", "{\"count\":9999}"u8.ToArray()));

        var verdict = await JournalVerifier.VerifyAsync(journal);

        AssertProblem(verdict, JournalProblemKind.AlteredEvent, 3);
        Assert.Equal(await OrderingOfAsync(journal, 3), verdict.GlobalOrdering);
        Assert.Contains("altered", verdict.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verifier_catches_a_deleted_row()
    {
        var journal = await SeedFiveEventsAsync();
        await ExecuteSqlAsync($"DELETE FROM {Table("event_journal")} WHERE persistence_id = 'victim' AND sequence_nr = 3");

        var verdict = await JournalVerifier.VerifyAsync(journal);

        AssertProblem(verdict, JournalProblemKind.MissingEvent, 3);
        Assert.Equal(await OrderingOfAsync(journal, 4), verdict.GlobalOrdering);
    }

    [Fact]
    public async Task Verifier_catches_two_rows_whose_sequence_numbers_were_swapped()
    {
        var journal = await SeedFiveEventsAsync();
        var table = Table("event_journal");
        await ExecuteSqlAsync($"UPDATE {table} SET sequence_nr = -2 WHERE persistence_id = 'victim' AND sequence_nr = 2");
        await ExecuteSqlAsync($"UPDATE {table} SET sequence_nr = 2 WHERE persistence_id = 'victim' AND sequence_nr = 3");
        await ExecuteSqlAsync($"UPDATE {table} SET sequence_nr = 3 WHERE persistence_id = 'victim' AND sequence_nr = -2");

        AssertProblem(await JournalVerifier.VerifyAsync(journal), JournalProblemKind.ReorderedEvent, 2);
    }

    [Fact]
    public async Task Verifier_catches_two_events_whose_stored_content_was_swapped()
    {
        var journal = await SeedFiveEventsAsync();
        var rows = await ToListAsync(journal.ReadEventsAsync("victim", 2, 3));
        foreach (var (target, source) in new[] { (rows[0], rows[1]), (rows[1], rows[0]) })
        {
            await ExecuteSqlAsync(
                $"UPDATE {Table("event_journal")} SET payload = @payload, prev_hash = @prev, hash = @hash WHERE persistence_id = 'victim' AND sequence_nr = @seq",
                ("payload", source.Payload.ToArray()), ("prev", source.PrevHash.ToArray()), ("hash", source.Hash.ToArray()), ("seq", target.SequenceNr));
        }

        AssertProblem(await JournalVerifier.VerifyAsync(journal, "victim"), JournalProblemKind.ReorderedEvent, 2);
    }

    [Fact]
    public async Task A_corrupt_payload_fails_recovery_naming_the_id_and_sequence()
    {
        var context = await OpenContextAsync();
        await context.Journal.AppendAsync("broken", 0, TallyModel.Edges(1, 2, 3));
        await ExecuteSqlAsync($"UPDATE {Table("event_journal")} SET payload = @p WHERE persistence_id = 'broken' AND sequence_nr = 2", ("p", new byte[] { 0xFF, 0x00, 0x7B }));

        var error = await Assert.ThrowsAsync<EventSerializationException>(
            () => PersistentState<SensorTally, TallyEvent>.RecoverAsync("broken", TallyModel.Behavior(), context));

        Assert.Equal(("broken", 2L, TallyModel.EdgesManifest), (error.PersistenceId, error.SequenceNr, error.Manifest));
        Assert.Contains("'broken' at sequence 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_manifest_fails_recovery_instead_of_being_skipped()
    {
        var context = await OpenContextAsync();
        await context.Journal.AppendAsync("future", 0, TallyModel.Edges(1, 2));
        await ExecuteSqlAsync($"UPDATE {Table("event_journal")} SET manifest = 'tally.teleported.v9' WHERE persistence_id = 'future' AND sequence_nr = 2");

        var error = await Assert.ThrowsAsync<EventSerializationException>(
            () => PersistentState<SensorTally, TallyEvent>.RecoverAsync("future", TallyModel.Behavior(), context));

        Assert.Contains("'tally.teleported.v9'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'future' at sequence 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Recovery_refuses_a_journal_with_a_missing_event()
    {
        var context = await OpenContextAsync();
        await context.Journal.AppendAsync("gappy", 0, TallyModel.Edges(1, 2, 3, 4));
        await ExecuteSqlAsync($"DELETE FROM {Table("event_journal")} WHERE persistence_id = 'gappy' AND sequence_nr = 2");

        var error = await Assert.ThrowsAsync<JournalIntegrityException>(
            () => PersistentState<SensorTally, TallyEvent>.RecoverAsync("gappy", TallyModel.Behavior(), context));

        Assert.Equal(2, error.SequenceNr);
    }

    [Fact]
    public async Task A_journal_written_by_a_newer_schema_version_is_refused_with_both_versions_named()
    {
        await OpenContextAsync();
        await ExecuteSqlAsync($"UPDATE {Table("journal_metadata")} SET value = '999' WHERE key = 'schema_version'");

        var journalError = await Assert.ThrowsAsync<JournalSchemaException>(() => PersistenceFactory.OpenJournalAsync(Options));
        var snapshotError = await Assert.ThrowsAsync<JournalSchemaException>(() => PersistenceFactory.OpenSnapshotStoreAsync(Options));

        Assert.Equal((999, 1), (journalError.FoundVersion, journalError.SupportedVersion));
        Assert.Contains("version 999", journalError.Message, StringComparison.Ordinal);
        Assert.Contains("schema version 1", journalError.Message, StringComparison.Ordinal);
        Assert.Equal(999, snapshotError.FoundVersion);
    }
}
