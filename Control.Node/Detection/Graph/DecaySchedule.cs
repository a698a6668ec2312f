namespace NerfEngine.Control.Detection.Graph;

/// <summary>
/// The decay rate λ (per second of event time) as a function of time, so λ can change at run time
/// and weights stored lazily stay exact: the decay factor between two instants is
/// e^(−∫λ dt), summed piece by piece over the λ segments the interval crosses.
/// </summary>
/// <remarks>
/// A change applies from its event time onwards. At most <see cref="MaxSegments"/> segments are
/// kept; intervals reaching before the oldest kept segment use that segment's λ (documented
/// approximation; the default keeps 64 changes, far more than set_decay_lambda's 1 s rate limit
/// produces within any edge's lifetime).
/// </remarks>
internal sealed class DecaySchedule
{
    public const int MaxSegments = 64;
    private const double NsPerSecond = 1e9;

    private readonly List<(long StartNs, double Lambda)> _segments = new(4);

    public DecaySchedule(double lambdaPerSecond) => _segments.Add((long.MinValue, lambdaPerSecond));

    /// <summary>λ in effect after the latest change.</summary>
    public double CurrentLambda => _segments[^1].Lambda;

    /// <summary>Event time of the latest change (long.MinValue when λ never changed).</summary>
    public long CurrentSinceNs => _segments[^1].StartNs;

    /// <summary>
    /// Sets λ from <paramref name="atNs"/> on. A time before the latest change is clamped to it,
    /// so the schedule stays ordered (replays deliver changes in order).
    /// </summary>
    public void Set(double lambdaPerSecond, long atNs)
    {
        long start = Math.Max(atNs, _segments[^1].StartNs);
        if (start == _segments[^1].StartNs)
        {
            _segments[^1] = (start, lambdaPerSecond);
            return;
        }

        _segments.Add((start, lambdaPerSecond));
        if (_segments.Count > MaxSegments)
        {
            _segments.RemoveAt(0);
            _segments[0] = (long.MinValue, _segments[0].Lambda);
        }
    }

    /// <summary>
    /// ∫λ dt from <paramref name="fromNs"/> to <paramref name="toNs"/> (negative when to &lt; from),
    /// so a weight w stored at <c>from</c> is w·e^(−result) at <c>to</c>.
    /// </summary>
    public double Exponent(long fromNs, long toNs)
    {
        var last = _segments[^1];
        if (fromNs >= last.StartNs && toNs >= last.StartNs)
        {
            return last.Lambda * ((toNs - fromNs) / NsPerSecond);
        }

        return toNs >= fromNs ? Integrate(fromNs, toNs) : -Integrate(toNs, fromNs);
    }

    /// <summary>Decay factor e^(−∫λ dt) between two instants.</summary>
    public double Factor(long fromNs, long toNs) => fromNs == toNs ? 1.0 : Math.Exp(-Exponent(fromNs, toNs));

    private double Integrate(long fromNs, long toNs)
    {
        double sum = 0;
        for (int k = 0; k < _segments.Count; k++)
        {
            long segStart = k == 0 ? long.MinValue : _segments[k].StartNs;
            long segEnd = k + 1 < _segments.Count ? _segments[k + 1].StartNs : long.MaxValue;
            long a = Math.Max(fromNs, segStart);
            long b = Math.Min(toNs, segEnd);
            if (b > a)
            {
                sum += _segments[k].Lambda * ((b - a) / NsPerSecond);
            }
        }

        return sum;
    }
}
