using NerfEngine.Control.Autonomy;

namespace NerfEngine.Control.Audit;

/// <summary>The projections <c>journal replay</c> knows, one per persistent entity kind.</summary>
public static class JournalProjections
{
    public static IReadOnlyList<IJournalProjection> All { get; } = [new ExecutorProjection(new AutonomyOptions())];
}
