using NerfEngine.Control.Registry;
using NerfEngine.Control.Registry.Audit;
using NerfEngine.Shared.Fabric.Actors.Testing;

namespace NerfEngine.Tests.ControlNode.Registry;

/// <summary>
/// A mutation whose tool failed before changing anything (ToolFailureException with noEffect) gives its budget unit back,
/// at once and across a restart; a failure that may have changed something, and a call interrupted between admission and
/// outcome, keep the unit.
/// </summary>
public sealed class NoEffectRefundTests
{
    private static readonly AgentIdentity Alice = new("alice", AgentMode.Mutate, 3);

    [Fact]
    public async Task Retrying_a_dead_model_ten_times_spends_no_budget_and_the_next_real_mutation_still_runs()
    {
        await using var f = await RegistryFixture.StartAsync(new ManualTimeProvider());
        f.Tools.ModelDown = true;

        for (var i = 0; i < 10; i++)
        {
            var failed = await f.Registry.CallAsync(Alice, "score_flow", "{}");
            Assert.Equal((ToolErrorCodes.ModelUnavailable, true), (failed.Error!.Code, failed.Error.Retryable));
        }

        Assert.Equal(3, f.Registry.Admission.MutationsRemaining(Alice));
        Assert.Equal(0, f.Registry.Metrics["score_flow"].Mutations);
        Assert.Equal(10, f.Registry.Metrics["score_flow"].Errors);
        f.Tools.ModelDown = false;
        Assert.True((await f.Registry.CallAsync(Alice, "score_flow", "{}")).IsSuccess);
        Assert.Equal(2, f.Registry.Admission.MutationsRemaining(Alice));
        Assert.Equal(1, f.Registry.Metrics["score_flow"].Mutations);

        var records = (await f.AuditAsync()).Where(r => r.Tool == "score_flow").ToList();
        Assert.Equal(10, records.Count(r => r.Outcome == AuditOutcomes.NoEffect && r.ErrorCode == ToolErrorCodes.ModelUnavailable && r.Admitted && !r.Committed));
        Assert.Equal(11, records.Count(r => r.Outcome == AuditOutcomes.Admitted)); // each still journaled its unit ahead of the handler
    }

    [Fact]
    public async Task A_failure_that_may_have_changed_something_keeps_its_budget_unit()
    {
        await using var f = await RegistryFixture.StartAsync(new ManualTimeProvider());

        var failed = await f.Registry.CallAsync(Alice, "fail_midway", "{}");

        Assert.Equal(ToolErrorCodes.Conflict, failed.Error!.Code);
        Assert.Equal(2, f.Registry.Admission.MutationsRemaining(Alice));
        Assert.Equal(1, f.Registry.Metrics["fail_midway"].Mutations);
        Assert.Contains(await f.AuditAsync(), r => r.Id == failed.CallId && r.Outcome == AuditOutcomes.ToolError);
    }

    [Fact]
    public async Task After_a_restart_refunded_calls_do_not_count_while_kept_and_interrupted_ones_do()
    {
        var time = new ManualTimeProvider();
        var path = Path.Combine(Path.GetTempPath(), $"nerf-registry-{Guid.NewGuid():N}.db");
        var first = await RegistryFixture.StartAsync(time, path: path);
        first.Tools.ModelDown = true;
        for (var i = 0; i < 5; i++)
        {
            Assert.False((await first.Registry.CallAsync(Alice, "score_flow", "{}")).IsSuccess);
        }

        Assert.False((await first.Registry.CallAsync(Alice, "fail_midway", "{}")).IsSuccess); // kept
        // What a kill inside a handler leaves: the write-ahead record and no outcome (kept: it may have run).
        Assert.True(await first.RecordInterruptedCallAsync(time, "alice", "score_flow"));
        await first.CloseAsync();

        await using var second = await RegistryFixture.StartAsync(time, path: path);
        await second.Registry.RestoreBudgetsAsync();

        Assert.Equal(1, second.Registry.Admission.MutationsRemaining(Alice));
    }
}
