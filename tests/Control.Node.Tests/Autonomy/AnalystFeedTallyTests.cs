using NerfEngine.Control.Autonomy;
using NerfEngine.Control.Autonomy.Analysis;
using static NerfEngine.Tests.ControlNode.Autonomy.AutonomyTestData;

namespace NerfEngine.Tests.ControlNode.Autonomy;

/// <summary>The analyst feed's counts: idle only when every alert has a verdict and every proposal a decision, in any arrival order.</summary>
public sealed class AnalystFeedTallyTests
{
    [Fact]
    public async Task A_decision_that_overtakes_its_verdict_does_not_make_the_feed_look_idle()
    {
        var tally = new AnalystFeedTally(maxInFlight: 10);
        var proposal = Prune();
        Assert.True(tally.TryAdmit());
        var idle = tally.WhenIdleAsync();

        tally.OnDecision(Decided(proposal, new Shadowed(true, new EstimatedEffect("prunes", EffectReversibility.Irreversible))));
        Assert.False(idle.IsCompleted);
        tally.OnVerdict(new AnalystVerdict([proposal, Prune()], null));
        Assert.False(idle.IsCompleted); // the second proposal is still undecided
        tally.OnDecision(Decided(proposal, new Rejected(GateNames.Budget, "spent")));

        await idle.WaitAsync(TimeSpan.FromSeconds(10));
        var counts = tally.Snapshot();
        Assert.True(counts.IsIdle);
        Assert.Equal((1L, 2L, 2L, 1L, 1L), (counts.Alerts, counts.Proposals, counts.Decided, counts.Shadowed, counts.Rejected));
        Assert.Equal("autonomy: 1 alerts → 2 proposals (0 abstained), 0 executed (0 committed), 1 shadow, 1 rejected (1 by the budget gate)", counts.Describe());
    }

    [Fact]
    public void The_in_flight_limit_counts_undecided_proposals_too_and_frees_up_as_they_are_decided()
    {
        var tally = new AnalystFeedTally(maxInFlight: 2);
        var proposal = Prune();
        Assert.True(tally.TryAdmit());
        tally.OnVerdict(new AnalystVerdict([proposal, Prune()], null)); // 0 alerts + 2 proposals in flight

        Assert.False(tally.TryAdmit());
        tally.OnDecision(Decided(proposal, new Executed()) with { Execution = new ToolExecution(ToolExecutionStatus.Committed, "ok", T0) });
        Assert.True(tally.TryAdmit());

        var counts = tally.Snapshot();
        Assert.Equal((2L, 1L, 1L, 1L), (counts.Alerts, counts.Dropped, counts.Executed, counts.Committed));
        Assert.False(counts.IsIdle);
        Assert.Contains("1 alerts and 1 proposals still undecided", counts.Describe());
    }

    [Fact]
    public void Abstentions_are_counted_and_an_empty_tally_is_idle()
    {
        var tally = new AnalystFeedTally(maxInFlight: 1);
        Assert.True(tally.WhenIdleAsync().IsCompleted);
        Assert.True(tally.TryAdmit());
        tally.OnVerdict(new AnalystVerdict([], "no rule"));

        Assert.True(tally.WhenIdleAsync().IsCompleted);
        Assert.Equal((1L, 1L, 0L), (tally.Snapshot().Analysed, tally.Snapshot().Abstained, tally.Snapshot().Proposals));
    }

    [Fact]
    public void Suppressed_repeats_are_counted_apart_from_proposals_and_abstentions_and_shown_in_the_summary()
    {
        var tally = new AnalystFeedTally(maxInFlight: 8);
        Assert.True(tally.TryAdmit());
        tally.OnVerdict(new AnalystVerdict([], null, ["set_decay_lambda 0.005 is already in effect"]));

        var counts = tally.Snapshot();
        Assert.True(counts.IsIdle);
        Assert.Equal((0L, 0L, 1L), (counts.Proposals, counts.Abstained, counts.SuppressedRepeats));
        Assert.Contains("0 proposals (0 abstained, 1 suppressed repeats)", counts.Describe());
    }

    private static Decision Decided(Proposal proposal, DecisionOutcome outcome) =>
        new(proposal.Id, proposal.Tool, outcome, AutonomyPhase.Shadow, 0.5, 0.5, 0, [], T0);
}
