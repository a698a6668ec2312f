namespace NerfEngine.Sensor.Capture.Files;

/// <summary>
/// The one error type of the capture-file boundary: the file is not a pcap/pcapng file, or its
/// structure is inconsistent. Always carries the file offset of the structure that is wrong, so a
/// person can open the file in a hex editor at that place.
/// </summary>
public class CaptureFileFormatException : Exception
{
    public CaptureFileFormatException(string sourceName, long offset, string problem)
        : base($"{sourceName}: {problem} (at file offset {offset}).")
    {
        SourceName = sourceName;
        Offset = offset;
        Problem = problem;
    }

    /// <summary>The file path, or a name the caller gave the stream.</summary>
    public string SourceName { get; }

    /// <summary>Byte offset, from the start of the file, of the header, record or block at fault.</summary>
    public long Offset { get; }

    /// <summary>What is wrong, without the source name and offset.</summary>
    public string Problem { get; }
}

/// <summary>
/// The file ends inside a record or block: typically a capture that was still being written, or cut.
/// Every complete record before <see cref="CaptureFileFormatException.Offset"/> was delivered first.
/// </summary>
public sealed class CaptureFileTruncatedException(string sourceName, long offset, string problem)
    : CaptureFileFormatException(sourceName, offset, problem);
