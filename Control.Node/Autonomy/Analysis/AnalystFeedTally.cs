using System.Collections.Immutable;
using System.Globalization;

namespace NerfEngine.Control.Autonomy.Analysis;

/// <summary>What the analyst feed has seen so far: alerts in, verdicts, proposals and the executor's decisions on them.</summary>
/// <param name="Alerts">Alerts handed to the analyst.</param>
/// <param name="Dropped">Alerts refused because <see cref="AnalystFeedOptions.MaxInFlight"/> were undecided.</param>
/// <param name="Analysed">Verdicts received.</param>
/// <param name="Abstained">Verdicts that proposed nothing.</param>
/// <param name="Proposals">Proposals the verdicts carried.</param>
/// <param name="SuppressedRepeats">Proposals the analyst held back as repeats of recent ones or already in effect (never sent).</param>
/// <param name="Decided">Decisions received.</param>
/// <param name="Executed">Decided "executed" (phase ≥ 2): the tool was called.</param>
/// <param name="Committed">Executed and the tool succeeded.</param>
/// <param name="Shadowed">Decided "shadowed" (phase 1): would_mutate, nothing committed.</param>
/// <param name="Demoted">Decided "demoted": trust collapsed, the executor fell back to observe-only.</param>
/// <param name="RejectedByGate">Rejections per gate name (<see cref="GateNames"/>).</param>
public sealed record AnalystFeedCounts(
    long Alerts, long Dropped, long Analysed, long Abstained, long Proposals, long SuppressedRepeats, long Decided,
    long Executed, long Committed, long Shadowed, long Demoted, ImmutableSortedDictionary<string, long> RejectedByGate)
{
    /// <summary>Rejections over all gates.</summary>
    public long Rejected => RejectedByGate.Values.Sum();

    /// <summary>True when every alert handed over has a verdict and every proposal a decision.</summary>
    public bool IsIdle => Analysed == Alerts && Decided == Proposals;

    /// <summary>
    /// One line for people, e.g. "autonomy: 7 alerts → 4 proposals (1 abstained, 2 suppressed repeats), 0 executed,
    /// 3 shadow, 1 rejected (1 by the budget gate)".
    /// </summary>
    public string Describe()
    {
        // "6 rejected (6 by the phase gate)", not "6 rejected (phase 6)", which reads as phase number 6.
        var gates = RejectedByGate.Count == 0 ? "" : " (" + string.Join(", ", RejectedByGate.Select(g => $"{g.Value} by the {g.Key} gate")) + ")";
        var repeats = SuppressedRepeats == 0 ? "" : string.Create(CultureInfo.InvariantCulture, $", {SuppressedRepeats} suppressed repeats");
        var text = string.Create(CultureInfo.InvariantCulture,
            $"autonomy: {Alerts} alerts → {Proposals} proposals ({Abstained} abstained{repeats}), {Executed} executed ({Committed} committed), {Shadowed} shadow, {Rejected} rejected{gates}");
        if (Demoted > 0) text += string.Create(CultureInfo.InvariantCulture, $", {Demoted} demoted");
        if (Dropped > 0) text += string.Create(CultureInfo.InvariantCulture, $", {Dropped} alerts dropped (in flight ≥ limit)");
        if (!IsIdle) text += string.Create(CultureInfo.InvariantCulture, $", {Alerts - Analysed} alerts and {Proposals - Decided} proposals still undecided");
        return text;
    }
}

/// <summary>
/// Counts the analyst feed's traffic and knows when it is idle. Verdicts and decisions arrive on different actors in any
/// order (a decision can overtake the verdict that announced its proposal), so idleness compares totals rather than
/// keeping a running balance. Thread-safe; updated once per card or decision, so one lock is plenty.
/// </summary>
public sealed class AnalystFeedTally(int maxInFlight)
{
    private readonly object _gate = new();
    private readonly SortedDictionary<string, long> _rejected = new(StringComparer.Ordinal);
    private long _alerts, _dropped, _analysed, _abstained, _proposals, _suppressed, _decided, _executed, _committed, _shadowed, _demoted;
    private TaskCompletionSource _idle = NewIdle(completed: true);

    /// <summary>Admits one alert unless <c>maxInFlight</c> alerts and proposals are undecided (then counts it dropped).</summary>
    public bool TryAdmit()
    {
        lock (_gate)
        {
            var inFlight = (_alerts - _analysed) + (_proposals - _decided);
            if (inFlight >= maxInFlight)
            {
                _dropped++;
                return false;
            }

            _alerts++;
            if (_idle.Task.IsCompleted) _idle = NewIdle(completed: false);
            return true;
        }
    }

    /// <summary>The analyst's verdict on an admitted alert.</summary>
    public void OnVerdict(AnalystVerdict verdict)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        lock (_gate)
        {
            _analysed++;
            if (verdict.IsAbstention) _abstained++;
            _proposals += verdict.Proposals.Count;
            _suppressed += verdict.SuppressedCount;
            SignalIfIdle();
        }
    }

    /// <summary>The executor's decision on one of the analyst's proposals (after the tool ran, when executed).</summary>
    public void OnDecision(Decision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        lock (_gate)
        {
            _decided++;
            switch (decision.Outcome)
            {
                case Executed:
                    _executed++;
                    if (decision.Execution?.Status == ToolExecutionStatus.Committed) _committed++;
                    break;
                case Shadowed:
                    _shadowed++;
                    break;
                case Demoted:
                    _demoted++;
                    break;
                case Rejected rejected:
                    _rejected[rejected.Gate] = _rejected.GetValueOrDefault(rejected.Gate) + 1;
                    break;
            }

            SignalIfIdle();
        }
    }

    /// <summary>The counts now.</summary>
    public AnalystFeedCounts Snapshot()
    {
        lock (_gate)
        {
            return new AnalystFeedCounts(_alerts, _dropped, _analysed, _abstained, _proposals, _suppressed, _decided, _executed, _committed, _shadowed, _demoted,
                _rejected.ToImmutableSortedDictionary(StringComparer.Ordinal));
        }
    }

    /// <summary>Completes once every admitted alert has a verdict and every proposal a decision (at once when already so).</summary>
    public Task WhenIdleAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return _idle.Task.WaitAsync(cancellationToken);
        }
    }

    private void SignalIfIdle()
    {
        if (_analysed == _alerts && _decided == _proposals)
        {
            _idle.TrySetResult();
        }
    }

    private static TaskCompletionSource NewIdle(bool completed)
    {
        var idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (completed) idle.SetResult();
        return idle;
    }
}
