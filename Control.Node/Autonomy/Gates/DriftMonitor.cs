using System.Globalization;

namespace NerfEngine.Control.Autonomy.Gates;

/// <summary>
/// Advisory drift checks (SPEC §7): reinforcement concentrating on few edges (Gini &gt; 0.75), entropy trending away,
/// the executor leaning on one tool, and an analyst that never abstains (overconfidence). It only ever produces
/// warnings: drift is slow and ambiguous, so it informs operators and the learner but never blocks a proposal.
/// </summary>
public sealed class DriftMonitor(AutonomyOptions options)
{
    /// <summary>Judges the caller's <paramref name="signals"/>, the recent mutating tools and the analyst's activity.</summary>
    public DriftAssessment Assess(DriftSignals signals, IReadOnlyList<string> recentMutationTools, AnalystActivity analyst)
    {
        ArgumentNullException.ThrowIfNull(signals);
        ArgumentNullException.ThrowIfNull(recentMutationTools);
        ArgumentNullException.ThrowIfNull(analyst);
        var warnings = new List<string>(4);
        if (signals.ReinforcementGini > options.DriftMaxReinforcementGini)
        {
            warnings.Add(Format($"drift: reinforcement gini {signals.ReinforcementGini:0.###} above {options.DriftMaxReinforcementGini:0.###}"));
        }

        if (Math.Abs(signals.LongTermEntropySlope) > options.DriftMaxEntropySlope)
        {
            warnings.Add(Format($"drift: long-term entropy slope {signals.LongTermEntropySlope:0.####} beyond ±{options.DriftMaxEntropySlope:0.####}"));
        }

        var concentration = Concentration(recentMutationTools, options.DriftToolWindow);
        var samples = Math.Min(recentMutationTools.Count, options.DriftToolWindow);
        if (samples >= options.DriftMinToolSamples && concentration > options.DriftMaxMutationConcentration)
        {
            warnings.Add(Format($"drift: tool distribution skewed, concentration {concentration:0.###} above {options.DriftMaxMutationConcentration:0.###} over {samples} mutations"));
        }

        if (analyst.Analysed >= options.DriftMinAnalysedAlerts && analyst.AbstentionRate < options.DriftMinAbstentionRate)
        {
            warnings.Add(Format($"drift: analyst abstention rate {analyst.AbstentionRate:0.###} below {options.DriftMinAbstentionRate:0.###} over {analyst.Analysed} alerts (overconfidence)"));
        }

        return new DriftAssessment(signals.ReinforcementGini, concentration, signals.LongTermEntropySlope, warnings);
    }

    /// <summary>Herfindahl index Σ pᵢ² of the last <paramref name="window"/> tools: 1 when one tool does everything.</summary>
    public static double Concentration(IReadOnlyList<string> tools, int window)
    {
        ArgumentNullException.ThrowIfNull(tools);
        var start = Math.Max(0, tools.Count - window);
        var n = tools.Count - start;
        if (n == 0)
        {
            return 0;
        }

        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = start; i < tools.Count; i++)
        {
            counts[tools[i]] = counts.GetValueOrDefault(tools[i]) + 1;
        }

        var sum = 0.0;
        foreach (var count in counts.Values)
        {
            var p = (double)count / n;
            sum += p * p;
        }

        return sum;
    }

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
