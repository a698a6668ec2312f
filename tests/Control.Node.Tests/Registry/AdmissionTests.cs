using NerfEngine.Control.Registry;
using NerfEngine.Control.Registry.Audit;
using NerfEngine.Shared.Fabric.Actors.Testing;

namespace NerfEngine.Tests.ControlNode.Registry;

/// <summary>Rate limits and mutation budgets under a controlled clock.</summary>
public sealed class AdmissionTests
{
    private static readonly AgentIdentity Alice = new("alice", AgentMode.Mutate, 3);
    private static readonly AgentIdentity Bob = new("bob", AgentMode.Mutate, 3);

    [Fact]
    public async Task A_call_inside_the_minimum_interval_is_refused_with_the_exact_retry_delay_and_runs_once_it_passed()
    {
        var time = new ManualTimeProvider();
        await using var f = await RegistryFixture.StartAsync(time);
        Assert.True((await f.Registry.CallAsync(Alice, "bump_counter", "{}")).IsSuccess);
        time.Advance(TimeSpan.FromMilliseconds(500));
        var refused = await f.Registry.CallAsync(Alice, "bump_counter", "{}");
        Assert.Equal(ToolErrorCodes.RateLimited, refused.Error!.Code);
        Assert.True(refused.Error.Retryable);
        Assert.Equal(1500, refused.Error.RetryAfterMs);
        Assert.True((await f.Registry.CallAsync(Bob, "bump_counter", "{}")).IsSuccess); // per agent by default
        time.Advance(TimeSpan.FromMilliseconds(1500));
        Assert.True((await f.Registry.CallAsync(Alice, "bump_counter", "{}")).IsSuccess);
        Assert.Equal(3, f.Tools.Mutations);
    }

    [Fact]
    public async Task A_global_interval_configured_per_tool_is_shared_by_every_agent()
    {
        var time = new ManualTimeProvider();
        var options = new RegistryOptions
        {
            AuditGroupCommitDelay = TimeSpan.Zero,
            Tools = { ["bump_counter"] = new ToolOverride { RateLimitScope = RateLimitScope.Global, MinIntervalMs = 10_000 } },
        };
        await using var f = await RegistryFixture.StartAsync(time, options);
        Assert.True((await f.Registry.CallAsync(Alice, "bump_counter", "{}")).IsSuccess);
        var refused = await f.Registry.CallAsync(Bob, "bump_counter", "{}");
        Assert.Equal(10_000, refused.Error!.RetryAfterMs);
        Assert.Contains("on this node", refused.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_mutation_budget_is_a_sliding_window_and_refusals_consume_nothing()
    {
        var time = new ManualTimeProvider();
        await using var f = await RegistryFixture.StartAsync(time);
        for (var i = 0; i < 3; i++)
        {
            Assert.True((await f.Registry.CallAsync(Alice, "bump_unlimited", "{}")).IsSuccess);
            time.Advance(TimeSpan.FromMinutes(10));
        }

        var refused = await f.Registry.CallAsync(Alice, "bump_unlimited", "{}");
        Assert.Equal(ToolErrorCodes.MutationBudgetExceeded, refused.Error!.Code);
        Assert.Equal((long)TimeSpan.FromMinutes(30).TotalMilliseconds, refused.Error.RetryAfterMs);
        Assert.True((await f.Registry.CallAsync(Alice, "echo_numbers", "{\"count\":1}")).IsSuccess); // reads are never budgeted
        time.Advance(TimeSpan.FromMinutes(30));
        Assert.True((await f.Registry.CallAsync(Alice, "bump_unlimited", "{}")).IsSuccess); // the oldest left the window
        Assert.Equal(4, f.Tools.Mutations);
    }

    [Fact]
    public async Task Exactly_the_budget_is_admitted_when_many_callers_race()
    {
        var time = new ManualTimeProvider();
        await using var f = await RegistryFixture.StartAsync(time);
        var results = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => Task.Run(() => f.Registry.CallAsync(Alice, "bump_unlimited", "{}").AsTask())));
        Assert.Equal(3, results.Count(r => r.IsSuccess));
        Assert.Equal(3, f.Tools.Mutations);
        Assert.Equal(197, results.Count(r => r.Error?.Code == ToolErrorCodes.MutationBudgetExceeded));
    }

    [Fact]
    public async Task A_restart_restores_spent_budgets_from_the_audit_journal()
    {
        var time = new ManualTimeProvider();
        var path = Path.Combine(Path.GetTempPath(), $"nerf-registry-{Guid.NewGuid():N}.db");
        var first = await RegistryFixture.StartAsync(time, path: path);
        await first.Registry.CallAsync(Alice, "bump_unlimited", "{}");
        await first.Registry.CallAsync(Alice, "bump_unlimited", "{}");
        await first.Audit.FlushAsync();
        await first.CloseAsync();

        time.Advance(TimeSpan.FromMinutes(5));
        await using var second = await RegistryFixture.StartAsync(time, path: path);
        Assert.Equal(3, second.Registry.Admission.MutationsRemaining(Alice));
        await second.Registry.RestoreBudgetsAsync();
        Assert.Equal(1, second.Registry.Admission.MutationsRemaining(Alice));
        Assert.True((await second.Registry.CallAsync(Alice, "bump_unlimited", "{}")).IsSuccess);
        Assert.Equal(ToolErrorCodes.MutationBudgetExceeded, (await second.Registry.CallAsync(Alice, "bump_unlimited", "{}")).Error!.Code);
        var audit = await second.AuditAsync();
        Assert.Equal(3, audit.Count(r => r.Outcome == AuditOutcomes.Ok && r.Committed)); // both incarnations, one chain
        Assert.Equal(3, audit.Count(r => r.Outcome == AuditOutcomes.Admitted)); // each written ahead of its outcome
        Assert.Equal(7, audit.Count);
    }

    [Fact]
    public async Task A_restored_budget_unit_expires_exactly_when_the_live_one_would_though_validation_took_time()
    {
        var time = new ManualTimeProvider();
        var path = Path.Combine(Path.GetTempPath(), $"nerf-registry-{Guid.NewGuid():N}.db");
        var validation = TimeSpan.FromSeconds(7); // binding and validation between receipt and admission
        var first = await RegistryFixture.StartAsync(time, path: path);
        first.Tools.DuringValidation = () => time.Advance(validation);
        for (var i = 0; i < 3; i++)
        {
            Assert.True((await first.Registry.CallAsync(Alice, "bump_checked", "{}")).IsSuccess);
        }

        var lastUnitAt = time.GetUtcNow(); // the last call's admission: no time passed after its validation
        await first.Audit.FlushAsync();
        await first.CloseAsync();

        await using var second = await RegistryFixture.StartAsync(time, path: path);
        await second.Registry.RestoreBudgetsAsync();
        Assert.Equal(0, second.Registry.Admission.MutationsRemaining(Alice));

        // One tick before the first unit's hour (counted from its admission) ends, the restored window is still full —
        // restored from the receipt time, it would already have left (7 s early).
        var firstUnitAt = lastUnitAt - 2 * validation;
        time.Advance(firstUnitAt + new RegistryOptions().MutationWindow - time.GetUtcNow() - TimeSpan.FromTicks(1));
        Assert.Equal(0, second.Registry.Admission.MutationsRemaining(Alice));
        time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(1, second.Registry.Admission.MutationsRemaining(Alice));

        var admitted = (await second.AuditAsync()).Where(r => r.Outcome == AuditOutcomes.Admitted).Select(r => r.Timestamp).ToList();
        Assert.Equal([firstUnitAt, firstUnitAt + validation, lastUnitAt], admitted);
    }
}
