namespace NerfEngine.Control.Detection.Detectors;

/// <summary>
/// Normalised inter-arrival timing entropy: ≈0 when arrivals are synchronised (a tight burst, or
/// near-identical spacing), ≈1 when they look like independent (Poisson) arrivals.
/// </summary>
/// <remarks>
/// <para>Math. Take the n arrival times inside a window of length W, sorted; the n−1 gaps
/// g_i = t_(i+1) − t_i are histogrammed into bins of width b = W / (n·K) (K =
/// <see cref="DetectionThresholds.TimingBinsPerMeanGap"/>, default 4), i.e. K bins per mean gap
/// μ = W/n that the same arrivals would have if spread over the window. Plug-in Shannon entropy
/// H = −Σ p_k·log2 p_k over the bins.</para>
/// <para>Normalisation. For Poisson arrivals the gaps are exponential with mean μ, so the bin index
/// is geometric with q = e^(−b/μ) = e^(−1/K), whose entropy is
/// H_ref = [−(1−q)·log2(1−q) − q·log2 q] / (1−q) (3.446 bits for K = 4). The result is
/// min(1, H / min(H_ref, log2(n−1))): the second term caps H_ref by what n−1 samples can reach.</para>
/// <para>Consequences. A burst much shorter than W puts every gap in bin 0: H = 0. Identical spacing
/// puts every gap in one bin (at worst two, if jitter straddles a bin edge: H ≤ 1 bit, 0.29
/// normalised). Poisson arrivals give ≈1 at any rate, because the bin scales with W/n. A fixed
/// 1 ms bin would not: at 2,000 arrivals/s most Poisson gaps are under 1 ms, H collapses and a
/// flash crowd would be called a botnet.</para>
/// </remarks>
public static class TimingEntropy
{
    /// <summary>
    /// For <see cref="NormalisedOverSpan"/>: a burst covering less than this fraction of the window
    /// is measured against the floor, so hundreds of sources inside a few milliseconds stay synchronised.
    /// </summary>
    public const double TightBurstFraction = 0.01;

    /// <summary>Bins counted in a dense stack array; larger indices (rare) are sorted instead.</summary>
    private const int DenseBins = 1024;

    /// <summary>Entropy (bits) of the geometric bin distribution that Poisson arrivals produce with K bins per mean gap.</summary>
    public static double PoissonReferenceBits(int binsPerMeanGap)
    {
        double q = Math.Exp(-1.0 / binsPerMeanGap);
        return (-(1 - q) * Math.Log2(1 - q) - q * Math.Log2(q)) / (1 - q);
    }

    /// <summary>
    /// Normalised timing entropy of <paramref name="arrivalsNs"/> inside a window of
    /// <paramref name="windowNs"/>. The span is sorted and then overwritten (it is scratch).
    /// Fewer than 3 arrivals carry no timing evidence and return 1 (unsynchronised).
    /// </summary>
    public static double Normalised(Span<long> arrivalsNs, long windowNs, int binsPerMeanGap) =>
        Compute(arrivalsNs, windowNs, binsPerMeanGap, overObservedSpan: false);

    /// <summary>
    /// Like <see cref="Normalised"/>, but the bins scale with the span the arrivals actually cover
    /// (at least <see cref="TightBurstFraction"/> of the window), and gaps round to the nearest bin.
    /// </summary>
    /// <remarks>
    /// For long sliding windows (the 5 s attractor window): a flash crowd that starts late in the
    /// window covers a sliver of it, and measured against the whole window all its gaps look short,
    /// so independent arrivals would read as synchronised. Against their own span, Poisson arrivals
    /// give ≈1 wherever they sit, while a shared clock (identical spacing) still puts every gap in
    /// one bin — rounding keeps a regular spacing mid-bin, since the span is (n−1) such gaps.
    /// </remarks>
    public static double NormalisedOverSpan(Span<long> arrivalsNs, long windowNs, int binsPerMeanGap) =>
        Compute(arrivalsNs, windowNs, binsPerMeanGap, overObservedSpan: true);

    private static double Compute(Span<long> arrivalsNs, long windowNs, int binsPerMeanGap, bool overObservedSpan)
    {
        int n = arrivalsNs.Length;
        if (n < 3)
        {
            return 1.0;
        }

        if (!IsSorted(arrivalsNs))
        {
            arrivalsNs.Sort();
        }

        int gaps = n - 1;
        double bin = overObservedSpan
            ? Math.Max(1.0, Math.Max(arrivalsNs[n - 1] - arrivalsNs[0], windowNs * TightBurstFraction) / ((double)gaps * binsPerMeanGap))
            : Math.Max(1.0, (double)windowNs / ((double)n * binsPerMeanGap));
        double rounding = overObservedSpan ? 0.5 : 0.0;

        // Histogram in O(n): small bin indices (nearly all of them: the bins are geometric) are
        // counted densely; the rare large ones are compacted to the front of the span and sorted.
        Span<int> dense = stackalloc int[DenseBins];
        dense.Clear();
        int overflow = 0;
        for (int i = 0; i < gaps; i++)
        {
            // In place: index i is written only after t_i and t_(i+1) were read, and overflow ≤ i.
            long index = (long)((arrivalsNs[i + 1] - arrivalsNs[i]) / bin + rounding);
            if (index < DenseBins)
            {
                dense[(int)index]++;
            }
            else
            {
                arrivalsNs[overflow++] = index;
            }
        }

        double h = 0;
        foreach (int count in dense)
        {
            h += Entropy.Term(count, gaps);
        }

        Span<long> large = arrivalsNs[..overflow];
        large.Sort();
        for (int i = 0, run = 1; i < overflow; i++, run++)
        {
            if (i + 1 == overflow || large[i + 1] != large[i])
            {
                h += Entropy.Term(run, gaps);
                run = 0;
            }
        }

        double reference = Math.Min(PoissonReferenceBits(binsPerMeanGap), Math.Log2(gaps));
        return reference <= 0 ? 0 : Math.Clamp(h / reference, 0.0, 1.0);
    }

    private static bool IsSorted(ReadOnlySpan<long> values)
    {
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] < values[i - 1])
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>Shannon entropy helpers (bits).</summary>
public static class Entropy
{
    /// <summary>H = −Σ (c/N)·log2(c/N) over positive counts.</summary>
    public static double Bits(ReadOnlySpan<int> counts)
    {
        long total = 0;
        foreach (int c in counts)
        {
            total += Math.Max(0, c);
        }

        if (total == 0)
        {
            return 0;
        }

        double h = 0;
        foreach (int c in counts)
        {
            if (c > 0)
            {
                double p = (double)c / total;
                h -= p * Math.Log2(p);
            }
        }

        return h;
    }

    /// <summary>One term −p·log2 p of a count out of a total (0 for an empty category).</summary>
    public static double Term(int count, int total)
    {
        if (count <= 0)
        {
            return 0;
        }

        double p = (double)count / total;
        return -p * Math.Log2(p);
    }

    /// <summary>Entropy of the distribution of values in a sorted span (each run of equal values is one category).</summary>
    public static double BitsOfSortedRuns<T>(ReadOnlySpan<T> sorted) where T : IEquatable<T>
    {
        int n = sorted.Length;
        if (n == 0)
        {
            return 0;
        }

        double h = 0;
        int run = 1;
        for (int i = 1; i <= n; i++)
        {
            if (i < n && sorted[i].Equals(sorted[i - 1]))
            {
                run++;
                continue;
            }

            double p = (double)run / n;
            h -= p * Math.Log2(p);
            run = 1;
        }

        return h;
    }

    /// <summary>Entropy of <paramref name="sorted"/> divided by log2(n): 1 when every value differs, 0 when all are equal.</summary>
    public static double NormalisedOfSortedRuns<T>(ReadOnlySpan<T> sorted) where T : IEquatable<T> =>
        sorted.Length < 2 ? 0 : BitsOfSortedRuns(sorted) / Math.Log2(sorted.Length);
}
