namespace NerfEngine.Sensor.Capture.Files;

/// <summary>
/// A capture file's byte source: the stream, the running file offset that every error reports, and
/// the one reusable buffer records are read into (grown, never shrunk, so steady state allocates nothing).
/// </summary>
internal sealed class CaptureInput : IDisposable
{
    private const int InitialBufferLength = 64 * 1024;

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly long _streamStart;

    /// <summary>Holds the latest record or block; its contents are valid until the next <see cref="Rent"/>.</summary>
    private byte[] _buffer = new byte[InitialBufferLength];

    public CaptureInput(Stream stream, string sourceName, bool leaveOpen)
    {
        _stream = stream;
        _leaveOpen = leaveOpen;
        SourceName = sourceName;
        _streamStart = stream.CanSeek ? stream.Position : 0;
    }

    public string SourceName { get; }

    /// <summary>File offset of the next byte to be read.</summary>
    public long Position { get; private set; }

    public byte[] Buffer => _buffer;

    /// <summary>Bytes left in the file when the stream can tell (lets absurd lengths fail before any read).</summary>
    public long? BytesRemaining => _stream.CanSeek ? _stream.Length - _streamStart - Position : null;

    /// <summary>Reads until <paramref name="destination"/> is full or the file ends; returns the bytes read.</summary>
    public int Fill(Span<byte> destination)
    {
        int read = _stream.ReadAtLeast(destination, destination.Length, throwOnEndOfStream: false);
        Position += read;
        return read;
    }

    /// <summary>The first <paramref name="length"/> bytes of the reusable buffer, growing it if needed.</summary>
    public Span<byte> Rent(int length)
    {
        if (_buffer.Length < length)
        {
            _buffer = new byte[Math.Max(length, _buffer.Length * 2)];
        }
        return _buffer.AsSpan(0, length);
    }

    public CaptureFileFormatException Corrupt(long offset, string problem) => new(SourceName, offset, problem);

    public CaptureFileTruncatedException Truncated(long offset, string problem) => new(SourceName, offset, problem);

    public void Dispose()
    {
        if (!_leaveOpen)
        {
            _stream.Dispose();
        }
    }
}
