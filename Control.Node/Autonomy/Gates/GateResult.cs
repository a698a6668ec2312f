namespace NerfEngine.Control.Autonomy.Gates;

/// <summary>A blocking gate's answer: pass, or the gate's name and the reason with its numbers.</summary>
/// <param name="Passed">True when the proposal may go on.</param>
/// <param name="Gate">The gate (see <see cref="GateNames"/>).</param>
/// <param name="Reason">Why it failed; empty when it passed.</param>
public readonly record struct GateResult(bool Passed, string Gate, string Reason)
{
    /// <summary>A pass.</summary>
    public static GateResult Pass(string gate) => new(true, gate, string.Empty);

    /// <summary>A failure with a reason.</summary>
    public static GateResult Fail(string gate, string reason) => new(false, gate, reason);

    /// <summary>The rejection this failure means.</summary>
    public Rejected ToRejected() => new(Gate, Reason);
}
