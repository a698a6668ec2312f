namespace NerfEngine.Sensor.Capture.EveJson;

/// <summary>
/// Receives what the <see cref="EveJsonTailer"/> reads. The tailer takes it as a generic argument
/// (as the flow tracker takes its <see cref="Flows.IEdgeSink"/>), so a struct handler is specialised
/// and the per-line call is direct. Every line the tailer consumes reaches exactly one of the two
/// methods, which is what lets the counters behind it add up to the lines read.
/// </summary>
public interface IEveLineHandler
{
    /// <summary>One complete line without its newline (and without a trailing carriage return); valid only during the call.</summary>
    void OnLine(ReadOnlySpan<byte> line);

    /// <summary>A line whose bytes were not kept, with its length in bytes as far as it was seen.</summary>
    void OnSkippedLine(EveSkipReason reason, long length);
}
