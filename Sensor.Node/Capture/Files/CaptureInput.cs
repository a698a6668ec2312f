using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using Microsoft.Win32.SafeHandles;
using NerfEngine.Sensor.Capture.Native;

namespace NerfEngine.Sensor.Capture.Files;

/// <summary>How a capture file's bytes reach the reader.</summary>
public enum CaptureFileAccess
{
    /// <summary>
    /// Map the file into memory a window at a time (mmap(2), read-only, private): the parser reads the
    /// page cache in place, so no byte is copied. The default for regular files. A file that another
    /// program truncates while it is being read ends the process with SIGBUS (the kernel's answer to a
    /// mapped page that no longer exists); use <see cref="Stream"/> for files that may shrink.
    /// </summary>
    Mapped,

    /// <summary>Read the file with read(2) into a reusable buffer: one copy of every byte, no SIGBUS risk.</summary>
    Stream,
}

/// <summary>
/// A capture file's byte source: a window of the file, a read position in it, and the file offset
/// every error reports. Readers decode records in place: <see cref="Ensure"/> makes the next bytes
/// available, <see cref="Peek"/> shows them, <see cref="Take"/> consumes them, <see cref="Slice"/>
/// shows what was taken.
/// </summary>
/// <remarks>
/// <para>Two sources behind one window. A <b>stream</b> fills a pinned buffer with large reads (a read
/// per header and per record cost far more than decoding them); consumed bytes are moved to the front
/// only when a read is needed. A <b>mapped</b> regular file is a window of an mmap(2) of the file:
/// moving on maps the next window (the file's length is asked again then, so a file still being written
/// is followed), and the bytes are never copied: reading a 400 MB capture through read(2) cost the
/// replay's reading thread about as much as parsing all of its packets.</para>
/// <para>Bytes taken stay valid until the next <see cref="Ensure"/> that has to read or map (then the
/// window moves and the old one is unmapped or overwritten). Steady state allocates nothing.</para>
/// </remarks>
internal sealed unsafe class CaptureInput : IDisposable
{
    /// <summary>
    /// 256 KiB: one read per several hundred records, small enough that the headers the parser reads
    /// next are still in cache (measured: 1 MiB and 4 MiB windows read a file slower).
    /// </summary>
    internal const int DefaultBufferLength = 256 * 1024;

    /// <summary>
    /// 64 MiB per mapping: a remap (munmap + mmap) per 64 MiB costs nothing measurable, and the process
    /// never holds more than this much of a large file mapped.
    /// </summary>
    internal const int DefaultMappedWindowLength = 64 * 1024 * 1024;

    /// <summary>
    /// How far ahead of the read position a mapped window is prefetched into the cache. Each record's
    /// header says where the next one starts, so without it every record waits for memory in turn (a
    /// read(2) copy streams the bytes into the cache instead); 4 KiB is ten typical records ahead.
    /// </summary>
    internal const int PrefetchDistance = 4096;

    private const int CacheLineLength = 64;

    /// <summary>madvise(2) advice: the window is read front to back, read ahead aggressively.</summary>
    private const int MadviseSequential = 2;

    private const int ProtRead = 0x1;
    private const int MapPrivate = 0x02;

    /// <summary>
    /// MAP_POPULATE: map the window's pages at once rather than fault them in 16 at a time as the reader reaches
    /// them (one fault per 64 KiB of a capture); about 3% less CPU for a replay.
    /// </summary>
    private const int MapPopulate = 0x8000;

    /// <summary>The source: read from, or (mapped) the owner of <see cref="_file"/>.</summary>
    private readonly Stream _stream;

    /// <summary>Mapped source: the file's handle; null when the stream is read.</summary>
    private readonly SafeFileHandle? _file;
    private readonly bool _leaveOpen;
    private readonly long _streamStart;

    /// <summary>Stream source: the pinned buffer behind <see cref="_window"/>.</summary>
    private byte[]? _buffer;

    /// <summary>Mapped source: bytes per mapping (grown for a record larger than it).</summary>
    private readonly int _mappedWindowLength;

    /// <summary>Mapped source: the current mapping (null before the first and after disposal) and its length.</summary>
    private void* _mapping;
    private nuint _mappingLength;

    /// <summary>Bytes [<see cref="_start"/>, <see cref="_end"/>) of the window are read (or mapped) and not consumed yet.</summary>
    private byte* _window;

    /// <summary>Index in the window of the next unconsumed byte.</summary>
    private int _start;

    /// <summary>Index in the window just past the last byte available.</summary>
    private int _end;

    /// <summary>Mapped source: index in the window up to which cache lines have been prefetched.</summary>
    private int _prefetched;

    /// <summary>File offset of <c>_window[0]</c>.</summary>
    private long _windowFileOffset;

    /// <summary>The stream returned 0 once: no more reads.</summary>
    private bool _endOfStream;

    /// <summary>Reads <paramref name="stream"/> through a pinned buffer.</summary>
    public CaptureInput(Stream stream, string sourceName, bool leaveOpen, int bufferLength = DefaultBufferLength)
    {
        _stream = stream;
        _leaveOpen = leaveOpen;
        SourceName = sourceName;
        _streamStart = stream.CanSeek ? stream.Position : 0;
        SetBuffer(GC.AllocateUninitializedArray<byte>(bufferLength, pinned: true));
    }

    /// <summary>Maps the seekable <paramref name="file"/> window by window instead of reading it; the input owns the stream.</summary>
    public CaptureInput(FileStream file, string sourceName, int mappedWindowLength = DefaultMappedWindowLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(mappedWindowLength, Environment.SystemPageSize);
        _stream = file;
        _file = file.SafeFileHandle;
        SourceName = sourceName;
        _mappedWindowLength = mappedWindowLength;
    }

    public string SourceName { get; }

    /// <summary>True when the bytes come from a mapping of the file rather than reads.</summary>
    public bool IsMapped => _file is not null;

    /// <summary>File offset of the next unconsumed byte.</summary>
    public long Position => _windowFileOffset + _start;

    /// <summary>
    /// Makes <paramref name="count"/> bytes available at the read position, reading or mapping as
    /// needed; returns the bytes available, which is less than <paramref name="count"/> only at the end of the file.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Ensure(int count)
    {
        int available = _end - _start;
        return available >= count ? count : Refill(count);
    }

    /// <summary>The next <paramref name="count"/> bytes, not consumed; <see cref="Ensure"/> must have made them available.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<byte> Peek(int count) => new(_window + _start, count);

    /// <summary>Consumes <paramref name="count"/> available bytes; returns where they start in the window (for <see cref="Slice"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Take(int count)
    {
        int at = _start;
        _start = at + count;
        if (_file is not null)
        {
            Prefetch(Math.Min(_start + PrefetchDistance, _end));
        }

        return at;
    }

    /// <summary>Bytes of the window that <see cref="Take"/> returned; valid until the next <see cref="Ensure"/> that reads or maps.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<byte> Slice(int at, int count) => new(_window + at, count);

    public CaptureFileFormatException Corrupt(long offset, string problem) => new(SourceName, offset, problem);

    public CaptureFileTruncatedException Truncated(long offset, string problem) => new(SourceName, offset, problem);

    public void Dispose()
    {
        Unmap();
        _window = null;
        _start = _end = 0;
        if (_file is not null || !_leaveOpen)
        {
            _stream!.Dispose();
        }
    }

    /// <summary>The slow path of <see cref="Ensure"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private int Refill(int count) => _file is not null ? MapNext(count) : ReadMore(count);

    /// <summary>Stream source: move the unconsumed tail to the front, grow if needed, read.</summary>
    private int ReadMore(int count)
    {
        Stream stream = _stream;
        int available = _end - _start;
        if (_start > 0)
        {
            new ReadOnlySpan<byte>(_window + _start, available).CopyTo(_buffer);
            _windowFileOffset += _start;
            _start = 0;
            _end = available;
        }

        if (count > _buffer!.Length)
        {
            // Only a record larger than the window gets here: ask the file whether it can hold it at all,
            // so an absurd length from a corrupt header fails as truncated instead of allocating.
            if (stream.CanSeek)
            {
                long inFile = stream.Length - _streamStart - _windowFileOffset;
                if (inFile < count)
                {
                    return (int)Math.Max(inFile, available);
                }
            }

            byte[] larger = GC.AllocateUninitializedArray<byte>(Math.Max(count, _buffer.Length * 2), pinned: true);
            _buffer.AsSpan(0, _end).CopyTo(larger);
            SetBuffer(larger);
        }

        while (_end < count && !_endOfStream)
        {
            int read = stream.Read(_buffer, _end, _buffer.Length - _end);
            if (read == 0)
            {
                _endOfStream = true;
            }

            _end += read;
        }

        return Math.Min(_end, count);
    }

    /// <summary>
    /// Mapped source: map a new window that starts at the read position's page and holds at least
    /// <paramref name="count"/> bytes (or the rest of the file). The file's length is asked here, once
    /// per window, so bytes appended since the last window are seen.
    /// </summary>
    private int MapNext(int count)
    {
        long position = Position;
        int available = _end - _start;
        long inFile = RandomAccess.GetLength(_file!) - position;
        if (inFile <= available)
        {
            // Nothing more to map (end of file, or a file cut shorter than the mapping): only what is mapped counts.
            return (int)Math.Max(0, Math.Min(inFile, available));
        }

        long pageMask = Environment.SystemPageSize - 1;
        long mapOffset = position & ~pageMask;
        int lead = (int)(position - mapOffset);
        long wanted = Math.Max(_mappedWindowLength, (long)lead + count + pageMask);
        long length = Math.Min(wanted, lead + inFile);
        void* mapping = LibC.MMap(null, (nuint)length, ProtRead, MapPrivate | MapPopulate, (int)_file!.DangerousGetHandle(), (nint)mapOffset);
        if (mapping == LibC.MapFailed)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new IOException($"{SourceName}: mapping {length} bytes at offset {mapOffset} failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
        }

        _ = LibC.MAdvise(mapping, (nuint)length, MadviseSequential);
        Unmap();
        _mapping = mapping;
        _mappingLength = (nuint)length;
        _window = (byte*)mapping;
        _windowFileOffset = mapOffset;
        _start = lead;
        _end = (int)length;
        _prefetched = lead;
        return Math.Min(_end - _start, count);
    }

    /// <summary>Asks for the cache lines of the window up to <paramref name="until"/> (a hint: it never faults or blocks).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Prefetch(int until)
    {
        if (Sse.IsSupported)
        {
            for (int line = _prefetched; line < until; line += CacheLineLength)
            {
                Sse.Prefetch0(_window + line);
            }

            _prefetched = Math.Max(_prefetched, until);
        }
    }

    private void SetBuffer(byte[] buffer)
    {
        _buffer = buffer;
        // Pinned (allocated on the pinned object heap): the address never changes.
        _window = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer));
    }

    private void Unmap()
    {
        if (_mapping is not null)
        {
            _ = LibC.MUnmap(_mapping, _mappingLength);
            _mapping = null;
        }
    }
}
