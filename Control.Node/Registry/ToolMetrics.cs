namespace NerfEngine.Control.Registry;

/// <summary>
/// Counters of one tool (SPEC §6: invocations, errors, rate-limit hits, mutations), updated with
/// Interlocked on the call path and read by the metrics registry and <c>get_tool_metrics</c>.
/// </summary>
public sealed class ToolMetrics
{
    private long _invocations;
    private long _errors;
    private long _rateLimited;
    private long _mutations;
    private long _budgetExceeded;
    private long _invalidArguments;
    private long _outputInvalid;
    private long _totalMicros;

    /// <summary>Calls received for this tool (every call, admitted or not).</summary>
    public long Invocations => Interlocked.Read(ref _invocations);

    /// <summary>Calls that did not succeed (tool errors, refusals, internal errors).</summary>
    public long Errors => Interlocked.Read(ref _errors);

    /// <summary>Calls refused by the minimum interval.</summary>
    public long RateLimited => Interlocked.Read(ref _rateLimited);

    /// <summary>
    /// Admitted mutating calls that kept their budget unit, counted when the call ends: a call whose tool failed with no
    /// effect got its unit back and is not counted; refused calls (rate limit, budget, arguments) never are.
    /// </summary>
    public long Mutations => Interlocked.Read(ref _mutations);

    /// <summary>Calls refused by a spent mutation budget.</summary>
    public long BudgetExceeded => Interlocked.Read(ref _budgetExceeded);

    /// <summary>Calls refused for invalid arguments.</summary>
    public long InvalidArguments => Interlocked.Read(ref _invalidArguments);

    /// <summary>Results withheld because they failed the output schema (a bug in the tool).</summary>
    public long OutputInvalid => Interlocked.Read(ref _outputInvalid);

    /// <summary>Mean time per call, in milliseconds.</summary>
    public double MeanDurationMs
    {
        get
        {
            var n = Invocations;
            return n == 0 ? 0 : Interlocked.Read(ref _totalMicros) / 1000.0 / n;
        }
    }

    internal void Invoked(TimeSpan duration)
    {
        Interlocked.Increment(ref _invocations);
        Interlocked.Add(ref _totalMicros, (long)duration.TotalMicroseconds);
    }

    internal void Errored() => Interlocked.Increment(ref _errors);

    internal void HitRateLimit() => Interlocked.Increment(ref _rateLimited);

    internal void Mutated() => Interlocked.Increment(ref _mutations);

    internal void HitBudget() => Interlocked.Increment(ref _budgetExceeded);

    internal void RejectedArguments() => Interlocked.Increment(ref _invalidArguments);

    internal void WithheldOutput() => Interlocked.Increment(ref _outputInvalid);
}
