using System.Collections.Immutable;

namespace NerfEngine.Control.Autonomy.Governance;

/// <summary>
/// A sliding-window mutation budget: the times mutations were granted, so "how many in the last hour" is exact at
/// any instant (no bucket edges to game). Immutable: it lives inside the executor's event-sourced state and changes
/// only by folding BudgetConsumed. Exactly-N under concurrency comes from its single owner, the executor actor,
/// which decides one proposal at a time and persists the grant before the next proposal is read.
/// </summary>
/// <param name="Granted">Grant times, oldest first; only those still inside the retention are kept.</param>
public sealed record MutationBudget(ImmutableList<DateTimeOffset> Granted)
{
    /// <summary>No grants.</summary>
    public static MutationBudget Empty { get; } = new(ImmutableList<DateTimeOffset>.Empty);

    /// <summary>Grants inside (now − <paramref name="window"/>, now]: a grant exactly one window old has expired.</summary>
    public int Used(DateTimeOffset now, TimeSpan window)
    {
        var since = now - window;
        var used = 0;
        for (var i = Granted.Count - 1; i >= 0; i--)
        {
            var at = Granted[i];
            if (at <= since)
            {
                break;
            }

            if (at <= now)
            {
                used++;
            }
        }

        return used;
    }

    /// <summary>Grants left of <paramref name="capacity"/> in the window ending now; never negative.</summary>
    public int Remaining(DateTimeOffset now, int capacity, TimeSpan window) => Math.Max(0, capacity - Used(now, window));

    /// <summary>
    /// Adds a grant at <paramref name="at"/> and forgets grants older than <paramref name="retention"/> before it (the
    /// longest window anyone asks about), so the state stays small.
    /// </summary>
    public MutationBudget Grant(DateTimeOffset at, TimeSpan retention)
    {
        var granted = Granted;
        var cutoff = at - retention;
        var expired = 0;
        while (expired < granted.Count && granted[expired] <= cutoff)
        {
            expired++;
        }

        if (expired > 0)
        {
            granted = granted.RemoveRange(0, expired);
        }

        // Events are folded in order, so times are non-decreasing; insert in order anyway so a clock step back cannot corrupt the window.
        var index = granted.Count;
        while (index > 0 && granted[index - 1] > at)
        {
            index--;
        }

        return new MutationBudget(granted.Insert(index, at));
    }
}
