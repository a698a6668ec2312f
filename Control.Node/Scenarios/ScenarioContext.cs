using System.Net;

namespace NerfEngine.Control.Scenarios;

/// <summary>Everything a scenario generator writes into: the traffic, the truth, the clock, the address plan.</summary>
public sealed class ScenarioContext
{
    public ScenarioContext(int seed, bool withBackground)
    {
        Seed = seed;
        WithBackground = withBackground;
        Random = new Random(seed);
        Traffic = new TrafficComposer(new Random(unchecked(seed * 7919 + 17)));
        OnsetNs = AttackOnsetNs + (long)(new Random(unchecked(seed * 31 + 7)).NextDouble() * OnsetJitterNs);
    }

    /// <summary>Scenarios start at 2026-01-01T00:00:00Z so files are byte-identical for a seed.</summary>
    public const long EpochStartNs = 1_767_225_600L * 1_000_000_000L;

    public const long Second = 1_000_000_000L, Millisecond = 1_000_000L, Microsecond = 1_000L;

    /// <summary>Length of every scenario's capture: room for the latest onset plus the longest attack (rotating botnet, ~6.3 s).</summary>
    public const long DurationNs = 12 * Second;

    /// <summary>Earliest attack onset, after a stretch of ordinary background.</summary>
    public const long AttackOnsetNs = EpochStartNs + 3 * Second;

    /// <summary>
    /// Each seed moves the onset by up to this much, so attacks do not line up with detector
    /// window boundaries and detection latency is measured honestly.
    /// </summary>
    public const long OnsetJitterNs = Second;

    public int Seed { get; }
    public bool WithBackground { get; }
    public Random Random { get; }
    public TrafficComposer Traffic { get; }
    public List<GroundTruthAttack> Attacks { get; } = [];

    public long StartNs => EpochStartNs;

    /// <summary>End of the capture; a mix of scenarios runs longer than one.</summary>
    public long EndNs { get; set; } = EpochStartNs + DurationNs;

    /// <summary>When the next attack generator starts; a mix staggers it.</summary>
    public long OnsetNs { get; set; }

    /// <summary>A host on the protected internal network 10.10.0.0/16.</summary>
    public static IPAddress Internal(int subnet, int host) => new([10, 10, (byte)subnet, (byte)host]);

    /// <summary>
    /// A public-looking external address from a random /16 among many first octets, so source
    /// populations are as diverse as real internet clients (or bots).
    /// </summary>
    public IPAddress External()
    {
        byte first;
        do { first = (byte)Random.Next(1, 224); }
        while (first is 10 or 100 or 127 or 169 or 172 or 192 or 198 or 203 or 0);
        return new IPAddress([first, (byte)Random.Next(0, 256), (byte)Random.Next(0, 256), (byte)Random.Next(1, 255)]);
    }

    /// <summary>Distinct external addresses.</summary>
    public IReadOnlyList<IPAddress> DistinctExternal(int count)
    {
        var set = new HashSet<IPAddress>();
        while (set.Count < count) set.Add(External());
        return set.ToArray();
    }

    /// <summary>Exponential inter-arrival with the given mean: Poisson arrivals of independent clients.</summary>
    public long PoissonGap(long meanNs) => (long)(-Math.Log(1 - Random.NextDouble()) * meanNs);

    /// <summary>Round-trip time between 2 and 40 ms, as internet clients see.</summary>
    public long InternetRtt() => Random.Next(2_000, 40_000) * Microsecond;

    public void Attack(string verdict, long onsetNs, long endNs, IEnumerable<IPAddress> attackers, params string[] targets) =>
        Attacks.Add(new GroundTruthAttack(verdict, onsetNs, endNs, attackers.Select(a => a.ToString()).ToArray(), targets));
}
