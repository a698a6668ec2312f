namespace NerfEngine.Control.Autonomy;

/// <summary>One reviewable line of the decision log: what was proposed, what was decided, and how it turned out.</summary>
/// <param name="Proposal">The proposal as received.</param>
/// <param name="Decision">The decision, with the tool's result once recorded.</param>
/// <param name="Reward">The learner's reward once the caller reported it; null before.</param>
/// <param name="PrecedingTools">Tools committed just before this one (the learner's state), set when it is committed.</param>
public sealed record DecisionLogEntry(Proposal Proposal, Decision Decision, double? Reward = null, IReadOnlyList<string>? PrecedingTools = null);
