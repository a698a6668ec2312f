using System.Runtime.CompilerServices;

namespace NerfEngine.Sensor.Parsing;

/// <summary>
/// One counter per <see cref="ParseOutcome"/>, so every frame lands in exactly one and the counters sum
/// to the frames seen. An array indexed by the enum keeps recording to one increment.
/// </summary>
/// <remarks>
/// Not thread-safe on purpose: each capture actor owns its counters (one thread inside an actor);
/// stats readers take a <see cref="Snapshot"/> through the actor or merge with <see cref="Add"/>.
/// </remarks>
public sealed class ParseCounters
{
    private readonly long[] _byOutcome = new long[ParseOutcomes.Count];

    /// <summary>Fragments among the successfully parsed frames: a side tally, not an outcome.</summary>
    public long Fragments { get; private set; }

    /// <summary>Counts one frame.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Record(ParseOutcome outcome, in ParsedPacket packet) => Record(outcome, packet.IsFragment);

    /// <summary>Counts one frame, given whether it is an IP fragment.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Record(ParseOutcome outcome, bool isFragment)
    {
        if ((uint)outcome >= (uint)_byOutcome.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "Not a ParseOutcome value.");
        }
        _byOutcome[(int)outcome]++;
        if (isFragment && outcome.IsSuccess())
        {
            Fragments++;
        }
    }

    /// <summary>Frames that ended with <paramref name="outcome"/>.</summary>
    public long this[ParseOutcome outcome] => _byOutcome[(int)outcome];

    /// <summary>All frames counted.</summary>
    public long Total => Sum(0, ParseOutcomes.Count);

    /// <summary>Frames counted as parse errors (what capture stats report as "parse errors").</summary>
    public long Errors => Sum((int)ParseOutcome.NonIp + 1, ParseOutcomes.Count);

    /// <summary>Adds another set of counters (e.g. from a fan-out worker) into this one.</summary>
    public void Add(ParseCounters other)
    {
        ArgumentNullException.ThrowIfNull(other);
        for (int i = 0; i < _byOutcome.Length; i++)
        {
            _byOutcome[i] += other._byOutcome[i];
        }
        Fragments += other.Fragments;
    }

    /// <summary>A copy of the per-outcome counts, indexed by <see cref="ParseOutcome"/>.</summary>
    public long[] Snapshot() => (long[])_byOutcome.Clone();

    private long Sum(int from, int to)
    {
        long sum = 0;
        for (int i = from; i < to; i++)
        {
            sum += _byOutcome[i];
        }
        return sum;
    }
}
