namespace NerfEngine.Sensor.Capture.EveJson;

/// <summary>What the <see cref="EveJsonTailer"/> has read so far.</summary>
/// <param name="LinesRead">Lines handed on, complete or skipped: the sum of the next three and the complete lines.</param>
/// <param name="LinesTooLong">Lines longer than the limit, counted and skipped.</param>
/// <param name="LinesCutByTruncation">Line starts lost to an in-place truncation (copytruncate).</param>
/// <param name="UnterminatedLinesAtRotation">Last lines of a rotated file that had no newline, handed on as they were.</param>
/// <param name="BytesRead">Bytes read from all files.</param>
/// <param name="Rotations">Times the path named a new file and the tailer moved to it.</param>
/// <param name="Truncations">Times the file shrank or was rewritten under the read position, and reading restarted at 0.</param>
/// <param name="Polls">Polls done (each reads to the end of the file and checks for rotation).</param>
/// <param name="ReadErrors">Polls that failed with an I/O error and were retried at the next interval.</param>
/// <param name="FileOpen">True while a file is open; false while waiting for the path to appear.</param>
public sealed record EveTailerStats(
    long LinesRead,
    long LinesTooLong,
    long LinesCutByTruncation,
    long UnterminatedLinesAtRotation,
    long BytesRead,
    long Rotations,
    long Truncations,
    long Polls,
    long ReadErrors,
    bool FileOpen);
