namespace NerfEngine.Tests.ControlNode.Detection.Support;

using NerfEngine.Control.Detection.Detectors;

/// <summary>A sink that keeps what detectors publish.</summary>
internal sealed class DetectionCollector : IDetectionSink
{
    public List<Detection> Detections { get; } = new();

    public List<(string Detector, DetectionVerdict Verdict, long AtNs)> CooledDown { get; } = new();

    public void OnDetection(Detection detection) => Detections.Add(detection);

    public void OnCooledDown(string detector, DetectionVerdict verdict, long atNs) => CooledDown.Add((detector, verdict, atNs));

    public IEnumerable<Detection> Of(DetectionVerdict verdict) => Detections.Where(d => d.Verdict == verdict);
}
