namespace NerfEngine.Control.Registry.Admission;

/// <summary>The result of asking <see cref="AdmissionControl"/> to admit a call.</summary>
/// <param name="Admitted">The call may run; its rate-limit slot and budget unit are already consumed.</param>
/// <param name="Error">Why not, when not admitted.</param>
/// <param name="MutationsRemaining">Budget left in the window after this decision (for mutating tools).</param>
/// <param name="BudgetUnitAt">When an admitted mutation's budget unit was taken (what <see cref="AdmissionControl.Refund"/> gives back); null otherwise.</param>
public readonly record struct AdmissionDecision(bool Admitted, ToolError? Error, int MutationsRemaining, DateTimeOffset? BudgetUnitAt = null);
