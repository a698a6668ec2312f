using NerfEngine.Control.Autonomy;
using NerfEngine.Control.Autonomy.Governance;
using static NerfEngine.Tests.ControlNode.Autonomy.AutonomyTestData;

namespace NerfEngine.Tests.ControlNode.Autonomy;

/// <summary>The sliding budget window and the trust update rule.</summary>
public sealed class BudgetAndTrustTests
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    [Fact]
    public void A_grant_leaves_the_sliding_window_exactly_one_hour_later()
    {
        var budget = MutationBudget.Empty.Grant(T0, Hour).Grant(T0.AddMinutes(10), Hour).Grant(T0.AddMinutes(20), Hour);

        Assert.Equal(0, budget.Remaining(T0.AddMinutes(59), 3, Hour));
        Assert.Equal(1, budget.Remaining(T0.AddMinutes(60), 3, Hour));
        Assert.Equal(3, budget.Remaining(T0.AddMinutes(81), 3, Hour));
    }

    [Fact]
    public void Old_grants_are_forgotten_beyond_the_retention()
    {
        var budget = MutationBudget.Empty.Grant(T0, Hour).Grant(T0.AddMinutes(30), Hour).Grant(T0.AddMinutes(61), Hour);

        Assert.Equal([T0.AddMinutes(30), T0.AddMinutes(61)], budget.Granted);
    }

    [Fact]
    public void Trust_starts_at_one_half_rises_slowly_and_falls_fast_within_zero_and_one()
    {
        var model = new TrustModel(new AutonomyOptions());

        Assert.Equal(0.5, model.Initial);
        Assert.Equal(0.525, model.Update(0.5, TrustEvidence.Success), 10);
        Assert.Equal(0.4, model.Update(0.5, TrustEvidence.Error), 10);
        Assert.Equal(0.45, model.Update(0.5, TrustEvidence.RateLimitHit), 10);
        Assert.Equal(0.48, model.Update(0.5, TrustEvidence.GateRejection), 10);
        Assert.Equal(0, model.Update(0.05, TrustEvidence.Error));
        Assert.Equal(1, model.Update(1, TrustEvidence.Success));
        var trust = 0.5;
        for (var i = 0; i < 200; i++)
        {
            trust = model.Update(trust, TrustEvidence.Success);
        }

        Assert.InRange(trust, 0.9999, 1.0);
    }
}
