using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using NerfEngine.Control.Registry;
using NerfEngine.Control.Registry.Audit;
using NerfEngine.Shared.Fabric.Persistence;
using NerfEngine.Shared.Fabric.Persistence.Sqlite;

namespace NerfEngine.Tests.ControlNode.Registry;

/// <summary>Small tools with observable side effects, so registry tests can tell what ran.</summary>
internal sealed class RegistryTestTools : IToolGroup
{
    public int EchoRuns;
    public int Mutations;
    public int BrokenRuns;

    /// <summary>Runs inside bump_unlimited's handler before it mutates: lets a test look at the journal at that moment.</summary>
    public Func<ToolCall, ValueTask>? BeforeMutation;

    /// <summary>Runs while bump_checked's arguments are validated (after receipt, before admission).</summary>
    public Action? DuringValidation;

    /// <summary>While set, score_flow fails as run_tak_ml does when its model is down (no effect, retryable).</summary>
    public volatile bool ModelDown;

    public IEnumerable<ToolDefinition> CreateTools()
    {
        yield return ToolDefinition.Query<EchoInput, EchoOutput>("echo_numbers", "Echo numbers", "Returns 1..count.", (input, call) =>
        {
            Interlocked.Increment(ref EchoRuns);
            return new EchoOutput(Enumerable.Range(1, input.Count).ToList(), input.Label, input.Mode);
        });

        yield return ToolDefinition.Mutation<NoArguments, CounterOutput>("bump_counter", "Bump counter", "Adds one.", (_, _, _) =>
                ValueTask.FromResult(new CounterOutput(Interlocked.Increment(ref Mutations))))
            .WithMinInterval(TimeSpan.FromSeconds(2))
            .WithEffectEstimate(_ => "adds one to the counter");

        yield return ToolDefinition.Mutation<NoArguments, CounterOutput>("bump_unlimited", "Bump counter", "Adds one, no interval.", async (_, call, _) =>
        {
            if (BeforeMutation is { } hook) await hook(call);
            return new CounterOutput(Interlocked.Increment(ref Mutations));
        });

        yield return ToolDefinition.Mutation<NoArguments, CounterOutput>("bump_checked", "Bump counter", "Adds one after a validation check.", (_, _, _) =>
                ValueTask.FromResult(new CounterOutput(Interlocked.Increment(ref Mutations))))
            .WithCheck((_, _) =>
            {
                DuringValidation?.Invoke();
                return [];
            });

        yield return ToolDefinition.Mutation<NoArguments, CounterOutput>("score_flow", "Score flow", "Adds one unless the model is down.", (_, _, _) =>
            ModelDown
                ? throw new ToolFailureException(ToolErrorCodes.ModelUnavailable, "model unavailable (test). Nothing was recorded.", retryable: true, noEffect: true)
                : ValueTask.FromResult(new CounterOutput(Interlocked.Increment(ref Mutations))));

        yield return ToolDefinition.Mutation<NoArguments, CounterOutput>("fail_midway", "Fail midway", "Adds one, then fails (the change stays).", (_, _, _) =>
        {
            Interlocked.Increment(ref Mutations);
            throw new ToolFailureException(ToolErrorCodes.Conflict, "failed after changing the counter");
        });

        yield return ToolDefinition.Query<NoArguments, BrokenOutput>("broken_output", "Broken", "Returns output its schema forbids.", (_, _) =>
        {
            Interlocked.Increment(ref BrokenRuns);
            return new BrokenOutput("far too long for the schema");
        });

        yield return ToolDefinition.Query<NoArguments, CounterOutput>("refuses", "Refuses", "Always a domain error.", (_, _) =>
            throw new ToolFailureException(ToolErrorCodes.NotFound, "nothing here"));

        yield return ToolDefinition.Query<NoArguments, BigOutput>("big_output", "Big", "A large result.", (_, _) =>
            new BigOutput(new string('z', 50_000), Enumerable.Range(0, 500).ToList()));
    }
}

public enum EchoMode { Plain, FancyFormat }

public sealed record EchoInput(
    [property: Range(1, 10)] int Count,
    [property: MaxLength(8)] string? Label = null,
    EchoMode Mode = EchoMode.Plain);

public sealed record EchoOutput(IReadOnlyList<int> Values, string? Label, EchoMode Mode);

public sealed record CounterOutput(int Value);

public sealed record BrokenOutput([property: MaxLength(3), Description("Short.")] string Code);

public sealed record BigOutput(string Blob, IReadOnlyList<int> Items);

/// <summary>A registry over the test tools with a real SQLite audit journal in a scratch file.</summary>
internal sealed class RegistryFixture : IAsyncDisposable
{
    private readonly string _path;

    private RegistryFixture(string path, IEventJournal journal, AuditTrail audit, ToolRegistry registry, RegistryTestTools tools)
    {
        _path = path;
        Journal = journal;
        Audit = audit;
        Registry = registry;
        Tools = tools;
    }

    public IEventJournal Journal { get; }

    public AuditTrail Audit { get; }

    public ToolRegistry Registry { get; }

    public RegistryTestTools Tools { get; }

    /// <param name="wrapJournal">Puts a decorator (e.g. one that fails appends) between the audit trail and the SQLite journal.</param>
    public static async Task<RegistryFixture> StartAsync(
        TimeProvider time, RegistryOptions? options = null, string? path = null, Func<IEventJournal, IEventJournal>? wrapJournal = null)
    {
        path ??= Path.Combine(Path.GetTempPath(), $"nerf-registry-{Guid.NewGuid():N}.db");
        options ??= new RegistryOptions { AuditGroupCommitDelay = TimeSpan.Zero };
        IEventJournal journal = await SqliteEventJournal.OpenAsync($"Data Source={path}", time);
        journal = wrapJournal?.Invoke(journal) ?? journal;
        var audit = new AuditTrail(journal, options);
        var tools = new RegistryTestTools();
        var registry = new ToolRegistry([tools], audit, options, time);
        return new RegistryFixture(path, journal, audit, registry, tools);
    }

    /// <summary>What a kill inside a handler leaves: the call's write-ahead admission record and no outcome.</summary>
    public ValueTask<bool> RecordInterruptedCallAsync(TimeProvider time, string agent, string tool) =>
        Audit.RecordDurablyAsync(new AuditRecord(
            Guid.CreateVersion7(), time.GetUtcNow(), agent, "http", "tools/call", tool, Mutates: true, "{}",
            AuditOutcomes.Admitted, null, null, null, Admitted: true, Committed: false, DurationMs: 0));

    public async Task<List<AuditRecord>> AuditAsync()
    {
        await Audit.FlushAsync();
        var records = new List<AuditRecord>();
        await foreach (var r in Audit.ReadAsync()) records.Add(r);
        return records;
    }

    /// <summary>Closes without deleting the journal (a restart reopens it).</summary>
    public async ValueTask CloseAsync()
    {
        await Audit.DisposeAsync();
        await Journal.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await CloseAsync();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(_path + suffix);
        }
    }
}
