using System.Globalization;

namespace NerfEngine.Control.Autonomy.Gates;

/// <summary>Rejects proposals whose confidence is below the minimum (default 0.70). NaN never passes.</summary>
public sealed class ConfidenceGate(AutonomyOptions options)
{
    /// <summary>Passes at confidence ≥ <see cref="AutonomyOptions.MinConfidence"/>.</summary>
    public GateResult Check(double confidence) =>
        confidence >= options.MinConfidence
            ? GateResult.Pass(GateNames.Confidence)
            : GateResult.Fail(GateNames.Confidence, string.Create(CultureInfo.InvariantCulture,
                $"confidence {confidence:0.####} is below {options.MinConfidence:0.####}"));
}
