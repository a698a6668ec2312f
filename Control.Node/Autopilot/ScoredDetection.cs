namespace NerfEngine.Control.Autopilot;

// Inside the namespace so the type Detection wins over the namespace NerfEngine.Control.Detection.
using NerfEngine.Control.Detection.Detectors;

/// <summary>A detection with the confidence the scorer gave it and the tier it was routed to.</summary>
public sealed record ScoredDetection(Detection Detection, double Score, AlertTier Tier);
