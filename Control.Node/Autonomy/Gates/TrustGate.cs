using System.Globalization;

namespace NerfEngine.Control.Autonomy.Gates;

/// <summary>
/// The executor acts only while its own trust is at least the minimum (default 0.30). Below it the executor must
/// demote itself to observe-only: a failing executor stops acting instead of waiting for an operator to notice.
/// </summary>
public sealed class TrustGate(AutonomyOptions options)
{
    /// <summary>Passes at trust ≥ <see cref="AutonomyOptions.MinExecutorTrust"/>; a failure means "demote".</summary>
    public GateResult Check(double executorTrust) =>
        executorTrust >= options.MinExecutorTrust
            ? GateResult.Pass(GateNames.Trust)
            : GateResult.Fail(GateNames.Trust, string.Create(CultureInfo.InvariantCulture,
                $"executor trust {executorTrust:0.####} is below {options.MinExecutorTrust:0.####}"));
}
