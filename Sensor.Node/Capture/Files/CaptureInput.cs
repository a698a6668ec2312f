using System.Runtime.CompilerServices;

namespace NerfEngine.Sensor.Capture.Files;

/// <summary>
/// A capture file's byte source: one large reusable buffer filled by big reads, a read position in it,
/// and the file offset every error reports. Readers decode records in place: <see cref="Ensure"/> makes
/// the next bytes available, <see cref="Peek"/> shows them, <see cref="Take"/> consumes them.
/// </summary>
/// <remarks>
/// Why a window rather than a read per header and per record: a Stream.Read call costs far more than a
/// 16-byte header decode, and asking the stream for its length (an fstat) per record cost more than all
/// the rest of the reader together. Here one read fetches thousands of records and the length is asked
/// only when a record would need the buffer to grow (so a garbage length still fails without allocating).
/// Consumed bytes stay put until the next <see cref="Ensure"/> that has to read, so the record last taken
/// stays valid until the reader moves on. Steady state allocates nothing.
/// </remarks>
internal sealed class CaptureInput : IDisposable
{
    /// <summary>
    /// 256 KiB: one read per several hundred records, small enough that the headers the parser reads
    /// next are still in cache (measured: 1 MiB and 4 MiB windows read a file slower).
    /// </summary>
    internal const int DefaultBufferLength = 256 * 1024;

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly long _streamStart;

    /// <summary>Bytes read from the stream; [<see cref="_start"/>, <see cref="_end"/>) are not consumed yet.</summary>
    private byte[] _buffer;

    /// <summary>Index in <see cref="_buffer"/> of the next unconsumed byte.</summary>
    private int _start;

    /// <summary>Index in <see cref="_buffer"/> just past the last byte read.</summary>
    private int _end;

    /// <summary>File offset of <c>_buffer[0]</c>.</summary>
    private long _bufferFileOffset;

    /// <summary>The stream returned 0 once: no more reads.</summary>
    private bool _endOfStream;

    public CaptureInput(Stream stream, string sourceName, bool leaveOpen, int bufferLength = DefaultBufferLength)
    {
        _stream = stream;
        _leaveOpen = leaveOpen;
        SourceName = sourceName;
        _streamStart = stream.CanSeek ? stream.Position : 0;
        _buffer = new byte[bufferLength];
    }

    public string SourceName { get; }

    /// <summary>File offset of the next unconsumed byte.</summary>
    public long Position => _bufferFileOffset + _start;

    /// <summary>The window; indices returned by <see cref="Take"/> point into it until the next <see cref="Ensure"/>.</summary>
    public byte[] Buffer => _buffer;

    /// <summary>
    /// Makes <paramref name="count"/> bytes available at the read position, reading as needed; returns the
    /// bytes available, which is less than <paramref name="count"/> only at the end of the file.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Ensure(int count)
    {
        int available = _end - _start;
        return available >= count ? count : Refill(count);
    }

    /// <summary>The next <paramref name="count"/> bytes, not consumed; <see cref="Ensure"/> must have made them available.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<byte> Peek(int count) => new(_buffer, _start, count);

    /// <summary>Consumes <paramref name="count"/> available bytes; returns where they start in <see cref="Buffer"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Take(int count)
    {
        int at = _start;
        _start = at + count;
        return at;
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

    /// <summary>The slow path of <see cref="Ensure"/>: move the unconsumed tail to the front, grow if needed, read.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private int Refill(int count)
    {
        int available = _end - _start;
        if (_start > 0)
        {
            _buffer.AsSpan(_start, available).CopyTo(_buffer);
            _bufferFileOffset += _start;
            _start = 0;
            _end = available;
        }

        if (count > _buffer.Length)
        {
            // Only a record larger than the window gets here: ask the file whether it can hold it at all,
            // so an absurd length from a corrupt header fails as truncated instead of allocating.
            if (_stream.CanSeek)
            {
                long inFile = _stream.Length - _streamStart - _bufferFileOffset;
                if (inFile < count)
                {
                    return (int)Math.Max(inFile, available);
                }
            }

            Array.Resize(ref _buffer, Math.Max(count, _buffer.Length * 2));
        }

        while (_end < count && !_endOfStream)
        {
            int read = _stream.Read(_buffer, _end, _buffer.Length - _end);
            if (read == 0)
            {
                _endOfStream = true;
            }

            _end += read;
        }

        return Math.Min(_end, count);
    }
}
