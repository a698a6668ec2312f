namespace NerfEngine.Sensor.Capture.EveJson;

/// <summary>Why the tailer passed a line (or a line's fragment) on without its bytes.</summary>
public enum EveSkipReason
{
    /// <summary>Longer than <see cref="EveTailerOptions.MaxLineLength"/>; its bytes were discarded as they streamed past.</summary>
    LineTooLong = 1,

    /// <summary>
    /// The start of a line that was cut when the file was truncated in place (logrotate copytruncate):
    /// its end went to the rotated copy, so the fragment can never be completed.
    /// </summary>
    CutByTruncation = 2,
}
