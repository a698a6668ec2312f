namespace NerfEngine.Tests.ControlNode.Detection.Detectors;

using NerfEngine.Control.Detection.Detectors;

/// <summary>The timing measure: ≈0 for synchronised arrivals, ≈1 for Poisson arrivals at any rate.</summary>
public sealed class TimingEntropyTests
{
    private const long Ms = 1_000_000;

    [Fact]
    public void Poisson_reference_for_four_bins_per_gap_is_3_446_bits()
    {
        Assert.Equal(3.446, TimingEntropy.PoissonReferenceBits(4), 3);
    }

    [Fact]
    public void Identical_spacing_and_tight_bursts_have_zero_timing_entropy()
    {
        long[] spaced = Enumerable.Range(0, 120).Select(i => i * 1_600_000L).ToArray();
        long[] burst = Enumerable.Range(0, 120).Select(i => i * 50_000L).ToArray();

        Assert.Equal(0, TimingEntropy.Normalised(spaced, 200 * Ms, 4));
        Assert.Equal(0, TimingEntropy.Normalised(burst, 200 * Ms, 4));
    }

    [Theory]
    [InlineData(600)]
    [InlineData(5_000)]
    [InlineData(50_000)]
    public void Poisson_arrivals_have_high_timing_entropy_at_any_rate(double ratePerSecond)
    {
        var rng = new Random(1);
        var arrivals = new List<long>();
        double t = 0;
        while ((t += -Math.Log(1 - rng.NextDouble()) / ratePerSecond * 1e9) < 200 * Ms)
        {
            arrivals.Add((long)t);
        }

        double h = TimingEntropy.Normalised(arrivals.ToArray(), 200 * Ms, 4);
        Assert.InRange(h, 0.85, 1.0);
    }

    [Fact]
    public void Too_few_arrivals_carry_no_timing_evidence()
    {
        Assert.Equal(1.0, TimingEntropy.Normalised(new long[] { 1, 2 }, 200 * Ms, 4));
    }

    [Fact]
    public void Shannon_entropy_of_uniform_categories_is_log2_n()
    {
        Assert.Equal(Math.Log2(120), Entropy.Bits(Enumerable.Repeat(1, 120).ToArray()), 12);
        Assert.Equal(0, Entropy.Bits([7]));
        Assert.Equal(1.0, Entropy.NormalisedOfSortedRuns<ulong>([1, 2, 3, 4]), 12);
        Assert.Equal(0.5, Entropy.NormalisedOfSortedRuns<ulong>([1, 1, 2, 2]), 12);
    }
}
