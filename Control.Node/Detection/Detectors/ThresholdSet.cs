namespace NerfEngine.Control.Detection.Detectors;

/// <summary>
/// The detection thresholds in force, swappable at run time (reload_rules): a candidate is
/// validated as a whole and only a valid one replaces the current set, in one atomic reference
/// swap, so a reader never sees a half-applied reload. Readers on any thread call <see cref="Current"/>.
/// </summary>
public sealed class ThresholdSet
{
    private DetectionThresholds _current;
    private long _version;

    /// <summary>Starts with <paramref name="initial"/> (default: the SPEC defaults).</summary>
    /// <exception cref="ThresholdValidationException">The initial set is invalid.</exception>
    public ThresholdSet(DetectionThresholds? initial = null)
    {
        initial ??= new DetectionThresholds();
        IReadOnlyList<string> errors = initial.Validate();
        if (errors.Count > 0)
        {
            throw new ThresholdValidationException(errors);
        }

        _current = initial;
        _version = 1;
    }

    /// <summary>The set in force.</summary>
    public DetectionThresholds Current => Volatile.Read(ref _current);

    /// <summary>Incremented by every successful reload (1 initially).</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>Validates and, when valid, swaps in <paramref name="candidate"/>. Returns every error otherwise; the old set stays.</summary>
    public bool TryReload(DetectionThresholds candidate, out IReadOnlyList<string> errors)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        errors = candidate.Validate();
        if (errors.Count > 0)
        {
            return false;
        }

        Interlocked.Exchange(ref _current, candidate);
        Interlocked.Increment(ref _version);
        return true;
    }

    /// <summary>Like <see cref="TryReload"/> but throws, listing every bad field.</summary>
    /// <exception cref="ThresholdValidationException">The candidate is invalid; the old set stays.</exception>
    public void Reload(DetectionThresholds candidate)
    {
        if (!TryReload(candidate, out IReadOnlyList<string> errors))
        {
            throw new ThresholdValidationException(errors);
        }
    }
}

/// <summary>A threshold set failed validation; <see cref="Errors"/> lists every bad field.</summary>
public sealed class ThresholdValidationException(IReadOnlyList<string> errors)
    : ArgumentException($"Detection thresholds rejected ({errors.Count} error(s)): {string.Join(" ", errors)}")
{
    /// <summary>"Field: reason", one per problem.</summary>
    public IReadOnlyList<string> Errors { get; } = errors;
}
