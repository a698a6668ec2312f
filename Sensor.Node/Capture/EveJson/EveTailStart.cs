namespace NerfEngine.Sensor.Capture.EveJson;

/// <summary>Where the tailer starts reading the file it finds at start-up.</summary>
public enum EveTailStart
{
    /// <summary>
    /// After the last complete line already in the file, like <c>tail -F</c>: a running sensor wants
    /// what Suricata logs from now on, not a replay of days of history. A partial last line is read
    /// once its newline arrives.
    /// </summary>
    End = 0,

    /// <summary>From the first byte: ingest the file's history too.</summary>
    Beginning = 1,
}
