using System.Globalization;

namespace NerfEngine.Control.Registry.Admission;

/// <summary>
/// The registry's serialisation point: per-tool minimum intervals and per-agent mutation budgets are
/// checked and consumed together under one lock, so N concurrent callers against a budget of k admit
/// exactly k (the check-and-consume is atomic; execution happens outside the lock). Calls to tools with
/// neither a rate limit nor a mutation flag never take the lock.
/// </summary>
/// <remarks>
/// A refused call consumes nothing: a rate-limited call does not spend budget and a budget-refused call
/// does not take the rate-limit slot. An admitted call keeps its budget unit even if its handler then
/// fails (the engine may have changed before failing) or the journal refuses its write-ahead audit record, which is
/// the conservative reading of a budget — unless the handler declares that it failed with no effect, when the registry
/// gives the unit back (<see cref="Refund"/>; the rate-limit slot stays taken, since the interval protects the tool's
/// collaborator, e.g. the model, whether or not the call changed anything). What survives a restart is what the audit journal holds
/// (<see cref="Restore"/>): the registry writes an admitted mutation's record before running it.
/// </remarks>
public sealed class AdmissionControl
{
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly TimeSpan _mutationWindow;

    /// <summary>Last admitted call per (rate-limit key, tool), UTC ticks; guarded by <see cref="_lock"/>.</summary>
    private readonly Dictionary<(string Key, string Tool), long> _lastAdmitted = new();

    /// <summary>Admitted mutation times per agent, oldest first, UTC ticks; guarded by <see cref="_lock"/>.</summary>
    private readonly Dictionary<string, Queue<long>> _mutations = new(StringComparer.Ordinal);

    public AdmissionControl(TimeProvider time, TimeSpan mutationWindow)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(mutationWindow, TimeSpan.Zero);
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _mutationWindow = mutationWindow;
    }

    /// <summary>Admits or refuses one call, consuming its slot and budget unit when admitted.</summary>
    public AdmissionDecision TryAdmit(AgentIdentity agent, ToolDescriptor tool)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(tool);
        if (!tool.IsRateLimited && !tool.Mutates)
        {
            return new AdmissionDecision(true, null, agent.MutationBudgetPerHour);
        }

        lock (_lock)
        {
            var now = _time.GetUtcNow().UtcTicks;
            var rateKey = (tool.RateLimitScope == RateLimitScope.Global ? "*" : agent.Name, tool.Name);
            if (tool.IsRateLimited && _lastAdmitted.TryGetValue(rateKey, out var last))
            {
                var next = last + tool.MinInterval.Ticks;
                if (now < next)
                {
                    var retry = CeilingMs(next - now);
                    return new AdmissionDecision(false, new ToolError(
                        ToolErrorCodes.RateLimited,
                        $"{tool.Name} may be called at most once every {Describe(tool.MinInterval)}" +
                        $"{(tool.RateLimitScope == RateLimitScope.Global ? " on this node" : " per agent")}; retry after {retry} ms.",
                        Retryable: true,
                        RetryAfterMs: retry), Remaining(agent, now));
                }
            }

            var remaining = agent.MutationBudgetPerHour;
            if (tool.Mutates)
            {
                var times = Window(agent.Name, now);
                if (times.Count >= agent.MutationBudgetPerHour)
                {
                    var retry = times.Count == 0 ? (long?)null : CeilingMs(times.Peek() + _mutationWindow.Ticks - now);
                    return new AdmissionDecision(false, new ToolError(
                        ToolErrorCodes.MutationBudgetExceeded,
                        $"Agent '{agent.Name}' has used its mutation budget of {agent.MutationBudgetPerHour} per {Describe(_mutationWindow)}." +
                        (retry is { } r ? $" The oldest mutation leaves the window in {r} ms." : " Its budget is zero."),
                        Retryable: retry is not null,
                        RetryAfterMs: retry), 0);
                }

                times.Enqueue(now);
                remaining = agent.MutationBudgetPerHour - times.Count;
            }

            if (tool.IsRateLimited)
            {
                _lastAdmitted[rateKey] = now;
            }

            return new AdmissionDecision(true, null, remaining, tool.Mutates ? new DateTimeOffset(now, TimeSpan.Zero) : null);
        }
    }

    /// <summary>
    /// Gives back the budget unit an admitted mutation took at <paramref name="budgetUnitAt"/> (its tool failed with no
    /// effect). A unit that already left the window is gone anyway; the agent's other units are untouched.
    /// </summary>
    public void Refund(string agent, DateTimeOffset budgetUnitAt)
    {
        ArgumentException.ThrowIfNullOrEmpty(agent);
        lock (_lock)
        {
            var times = Window(agent, _time.GetUtcNow().UtcTicks);
            var kept = times.ToList();
            if (kept.Remove(budgetUnitAt.UtcTicks))
            {
                Refill(times, kept);
            }
        }
    }

    /// <summary>Mutations the agent may still make in the current window.</summary>
    public int MutationsRemaining(AgentIdentity agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        lock (_lock)
        {
            return Remaining(agent, _time.GetUtcNow().UtcTicks);
        }
    }

    /// <summary>
    /// Re-seeds an agent's window with mutations admitted before a restart (read back from the audit
    /// journal), so restarting the node does not refill a spent budget.
    /// </summary>
    public void Restore(string agent, IEnumerable<DateTimeOffset> admittedAt)
    {
        ArgumentException.ThrowIfNullOrEmpty(agent);
        lock (_lock)
        {
            var times = Window(agent, _time.GetUtcNow().UtcTicks);
            Refill(times, times.Concat(admittedAt.Select(t => t.UtcTicks)).Order().ToList());
            Window(agent, _time.GetUtcNow().UtcTicks);
        }
    }

    /// <summary>Replaces a window's contents with <paramref name="ticks"/> (oldest first).</summary>
    private static void Refill(Queue<long> times, List<long> ticks)
    {
        times.Clear();
        foreach (var t in ticks)
        {
            times.Enqueue(t);
        }
    }

    private int Remaining(AgentIdentity agent, long now) => Math.Max(0, agent.MutationBudgetPerHour - Window(agent.Name, now).Count);

    /// <summary>The agent's admitted mutation times still inside the window (expired ones dropped).</summary>
    private Queue<long> Window(string agent, long now)
    {
        if (!_mutations.TryGetValue(agent, out var times))
        {
            times = new Queue<long>();
            _mutations[agent] = times;
        }

        var horizon = now - _mutationWindow.Ticks;
        while (times.Count > 0 && times.Peek() <= horizon)
        {
            times.Dequeue();
        }

        return times;
    }

    private static long CeilingMs(long ticks) => Math.Max(1, (ticks + TimeSpan.TicksPerMillisecond - 1) / TimeSpan.TicksPerMillisecond);

    private static string Describe(TimeSpan span) => span.TotalHours >= 1 && span.TotalHours % 1 == 0
        ? $"{span.TotalHours.ToString(CultureInfo.InvariantCulture)} h"
        : span.TotalSeconds >= 1
            ? $"{span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s"
            : $"{span.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture)} ms";
}
