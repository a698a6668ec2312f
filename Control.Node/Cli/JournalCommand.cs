using System.CommandLine;
using NerfEngine.Control.Audit;
using NerfEngine.Shared.Fabric.Hosting;
using NerfEngine.Shared.Fabric.Persistence;
using NerfEngine.Shared.Fabric.Persistence.Verification;

namespace NerfEngine.Control.Cli;

/// <summary>
/// <c>Control.Node journal replay|verify</c>: the auditor's view of a journal (SQLite or
/// PostgreSQL, from the same configuration the node runs with).
/// </summary>
public static class JournalCommand
{
    /// <summary>Exit code of <c>verify</c> when the journal was altered, a row is missing or rows were reordered.</summary>
    public const int Tampered = 1;

    public static Command Create()
    {
        var persistenceId = new Option<string?>("--persistence-id") { Description = "Only this entity (default: every persistence id)." };
        var from = new Option<long>("--from") { Description = "First sequence number to print.", DefaultValueFactory = _ => 1 };
        var to = new Option<long>("--to") { Description = "Last sequence number to print.", DefaultValueFactory = _ => long.MaxValue };
        var format = new Option<string>("--format") { Description = "text or jsonl.", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "jsonl");

        var replay = new Command("replay", "Print every event in order with the state it produced and its hash-chain check.") { persistenceId, from, to, format };
        CommonOptions.AddTo(replay);
        replay.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(from) > parse.GetValue(to))
            {
                throw new ArgumentException($"--from {parse.GetValue(from)} is after --to {parse.GetValue(to)}: no sequence number is in that range (both are inclusive).");
            }

            await using var journal = await OpenAsync(parse, ct);
            await RequireKnownAsync(journal, parse.GetValue(persistenceId), ct);
            var jsonl = parse.GetValue(format) == "jsonl";
            var broken = 0;
            await foreach (var e in new JournalReplay(journal, JournalProjections.All).ReplayAsync(parse.GetValue(persistenceId), parse.GetValue(from), parse.GetValue(to), ct))
            {
                if (!e.ChainOk) broken++;
                Console.Out.Write(jsonl ? JournalReplay.ToJsonLine(e) + "\n" : JournalReplay.ToText(e));
            }
            if (broken > 0) await Console.Error.WriteLineAsync($"{broken} event(s) failed the hash-chain check; run `journal verify` for the first problem.");
            return broken > 0 ? Tampered : 0;
        });

        var verify = new Command("verify", "Walk the hash chains; exit non-zero naming the first altered, missing or reordered event.") { persistenceId };
        CommonOptions.AddTo(verify);
        verify.SetAction(async (parse, ct) =>
        {
            await using var journal = await OpenAsync(parse, ct);
            await RequireKnownAsync(journal, parse.GetValue(persistenceId), ct);
            var result = await JournalVerifier.VerifyAsync(journal, parse.GetValue(persistenceId), ct);
            if (result.IsOk)
            {
                Console.Out.WriteLine(result.Message);
                return 0;
            }
            await Console.Error.WriteLineAsync(
                $"{result.Problem}: persistence id '{result.PersistenceId}', sequence {result.SequenceNr}, global ordering {result.GlobalOrdering}: {result.Message}");
            return Tampered;
        });

        return new Command("journal", "Audit a journal: replay its events with the state they produced, or verify it was not altered.") { replay, verify };
    }

    private static async Task<IEventJournal> OpenAsync(ParseResult parse, CancellationToken ct)
    {
        var configuration = NodeHost.BuildConfiguration(CommonOptions.Overrides(parse));
        var options = PersistenceOptions.FromConfiguration(configuration);
        if (options.Provider == PersistenceProvider.Sqlite && !SqliteFileExists(options.ConnectionString, out var path))
            throw new FileNotFoundException($"no journal at {path} (Persistence:ConnectionString); nothing has been persisted yet, or the path is wrong", path);
        return await PersistenceFactory.OpenJournalAsync(options, cancellationToken: ct);
    }

    /// <summary>
    /// A persistence id the journal does not hold would replay nothing and "verify" zero events, both with exit 0, which
    /// reads as success: name the ids it does hold instead.
    /// </summary>
    private static async Task RequireKnownAsync(IEventJournal journal, string? persistenceId, CancellationToken ct)
    {
        if (persistenceId is null)
        {
            return;
        }

        var known = await journal.CurrentPersistenceIdsAsync(ct);
        if (!known.Contains(persistenceId, StringComparer.Ordinal))
        {
            throw new ArgumentException(known.Count == 0
                ? $"no persistence id '{persistenceId}': the journal holds no events yet"
                : $"no persistence id '{persistenceId}' in the journal; known persistence ids: {string.Join(", ", known.Order(StringComparer.Ordinal))}");
        }
    }

    /// <summary>Opening a missing SQLite file would create an empty journal and "verify" it: say it is missing instead.</summary>
    private static bool SqliteFileExists(string connectionString, out string path)
    {
        var builder = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connectionString);
        path = Path.GetFullPath(builder.DataSource);
        return builder.DataSource == ":memory:" || builder.Mode == Microsoft.Data.Sqlite.SqliteOpenMode.Memory || File.Exists(path);
    }
}
