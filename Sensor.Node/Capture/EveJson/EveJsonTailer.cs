using Microsoft.Win32.SafeHandles;

namespace NerfEngine.Sensor.Capture.EveJson;

/// <summary>
/// Follows a growing eve.json the way <c>tail -F</c> does, without losing or repeating a line:
/// complete lines only (a partial last line waits for its newline), rotation by rename (the old file
/// is drained, then the new one is read from its start) and by copytruncate (reading restarts at 0),
/// bounded line length. Reads are positional (pread), so the file offset is ours alone.
/// </summary>
/// <remarks>
/// One reader: <see cref="Poll{THandler}"/> and <see cref="RunAsync{THandler}"/> must not run
/// concurrently. <see cref="Stats"/> may be read from any thread. A partial line still buffered when
/// reading stops is not handed on: its writer may yet complete it.
/// </remarks>
public sealed partial class EveJsonTailer : IDisposable
{
    private readonly EveTailerOptions _options;
    private readonly TimeProvider _time;

    /// <summary>The open file, or null while waiting for the path to appear.</summary>
    private SafeFileHandle? _handle;

    /// <summary>Identity of <see cref="_handle"/>'s file, compared with the path's on every poll.</summary>
    private FileIdentity _identity;

    /// <summary>File offset of the next read; every byte before it is in the buffer or handed on.</summary>
    private long _position;

    /// <summary>Set by the first open attempt: <see cref="EveTailerOptions.Start"/> applies to that file only.</summary>
    private bool _startApplied;

    /// <summary>When the path was first seen naming another file; null while it names ours (or nothing).</summary>
    private long? _replacedAt;

    /// <summary>When bytes were last read from the open file.</summary>
    private long _lastGrowthAt;

    private bool _disposed;

    private long _linesRead;
    private long _linesTooLong;
    private long _linesCut;
    private long _unterminated;
    private long _bytesRead;
    private long _rotations;
    private long _truncations;
    private long _polls;
    private long _readErrors;

    /// <summary>Creates the tailer; nothing is opened until <see cref="TryOpen"/> or the first poll.</summary>
    /// <param name="options">Which file and how; validated here.</param>
    /// <param name="timeProvider">Clock of the poll interval and the rotation quiet period.</param>
    public EveJsonTailer(EveTailerOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _maxBufferLength = Math.Max(options.ReadChunkSize, options.MaxLineLength + 1);
        _buffer = new byte[Math.Min(options.ReadChunkSize, _maxBufferLength)];
    }

    /// <summary>The followed path.</summary>
    public string Path => _options.Path;

    /// <summary>True while a file is open.</summary>
    public bool IsOpen => Volatile.Read(ref _handle) is not null;

    /// <summary>A snapshot of the counters; safe from any thread.</summary>
    public EveTailerStats Stats => new(
        Interlocked.Read(ref _linesRead),
        Interlocked.Read(ref _linesTooLong),
        Interlocked.Read(ref _linesCut),
        Interlocked.Read(ref _unterminated),
        Interlocked.Read(ref _bytesRead),
        Interlocked.Read(ref _rotations),
        Interlocked.Read(ref _truncations),
        Interlocked.Read(ref _polls),
        Interlocked.Read(ref _readErrors),
        IsOpen);

    /// <summary>
    /// Opens the file if it is not open yet. The first attempt positions by
    /// <see cref="EveTailerOptions.Start"/>; a file that appears later is new and is read from its start.
    /// </summary>
    /// <returns>False when nothing exists at the path (yet).</returns>
    /// <exception cref="UnauthorizedAccessException">The file exists but may not be read.</exception>
    /// <exception cref="IOException">The file exists but could not be opened.</exception>
    public bool TryOpen()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_handle is not null)
        {
            return true;
        }

        bool applyStart = !_startApplied;
        _startApplied = true;
        SafeFileHandle handle;
        try
        {
            // Delete sharing lets the rotator rename or remove the file while it is open.
            handle = File.OpenHandle(_options.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return false;
        }

        if (!FileIdentity.TryOfHandle(handle, out _identity))
        {
            FileIdentity.TryOfPath(_options.Path, out _identity);
        }

        ResetLineState();
        _position = applyStart && _options.Start == EveTailStart.End ? FindStartAtEnd(handle) : 0;
        _lastGrowthAt = _time.GetTimestamp();
        _replacedAt = null;
        Volatile.Write(ref _handle, handle);
        return true;
    }

    /// <summary>
    /// Reads every complete line available now, then checks for rotation or truncation (draining
    /// and switching as needed). Opens the file first if it was not there before.
    /// </summary>
    /// <returns>Lines handed to <paramref name="handler"/> in this poll.</returns>
    /// <exception cref="IOException">Reading failed; the next poll retries from the same position.</exception>
    public long Poll<THandler>(THandler handler, CancellationToken cancellationToken = default)
        where THandler : IEveLineHandler
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Interlocked.Increment(ref _polls);
        long before = Interlocked.Read(ref _linesRead);
        if (TryOpen())
        {
            // Checked on our handle whether or not the path still names it: a file truncated and then
            // renamed away must still be read from its start.
            if (TruncatedUnderUs())
            {
                RestartAfterTruncation(handler);
            }

            ReadToEnd(handler, cancellationToken);
            FollowRotation(handler, cancellationToken);
        }

        return Interlocked.Read(ref _linesRead) - before;
    }

    /// <summary>
    /// Polls every <see cref="EveTailerOptions.PollInterval"/> (on <see cref="TimeProvider"/>) until
    /// cancelled. A failed poll is counted, reported to <paramref name="onReadError"/> and retried.
    /// </summary>
    public async Task RunAsync<THandler>(THandler handler, Action<Exception>? onReadError, CancellationToken cancellationToken)
        where THandler : IEveLineHandler
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                Poll(handler, cancellationToken);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Interlocked.Increment(ref _readErrors);
                onReadError?.Invoke(ex);
            }

            try
            {
                await Task.Delay(_options.PollInterval, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _disposed = true;
        CloseFile();
    }

    /// <summary>
    /// When the path names another file, drains ours; once ours has been quiet for the quiet period,
    /// hands on its unterminated last line (if any) and moves to the new file's start.
    /// </summary>
    private void FollowRotation<THandler>(THandler handler, CancellationToken cancellationToken)
        where THandler : IEveLineHandler
    {
        if (!FileIdentity.TryOfPath(_options.Path, out FileIdentity pathIdentity))
        {
            // Renamed away and not recreated yet: the writer may still be appending to ours.
            return;
        }

        if (pathIdentity == _identity)
        {
            _replacedAt = null;
            return;
        }

        long now = _time.GetTimestamp();
        _replacedAt ??= now;
        long quietSince = Math.Max(_replacedAt.Value, _lastGrowthAt);
        if (_time.GetElapsedTime(quietSince, now) < _options.RotationQuietPeriod || cancellationToken.IsCancellationRequested)
        {
            return;
        }

        FlushUnterminated(handler);
        CloseFile();
        Interlocked.Increment(ref _rotations);
        if (TryOpen())
        {
            ReadToEnd(handler, cancellationToken);
        }
    }

    /// <summary>Copytruncate: what was buffered of a line can never be completed; start again at 0.</summary>
    private void RestartAfterTruncation<THandler>(THandler handler)
        where THandler : IEveLineHandler
    {
        Interlocked.Increment(ref _truncations);
        DiscardPartial(handler, EveSkipReason.CutByTruncation);
        _position = 0;
    }

    /// <summary>
    /// True when the open file was truncated in place since the last read: it is shorter than the
    /// read position, or (truncated and refilled up to or past it between two polls) the bytes before
    /// the position are no longer the ones read there.
    /// </summary>
    private bool TruncatedUnderUs()
    {
        if (_position == 0)
        {
            return false;
        }

        if (RandomAccess.GetLength(_handle!) < _position)
        {
            return true;
        }

        int known = (int)Math.Min(_lastBytesLength, _position);
        if (known == 0)
        {
            return false;
        }

        Span<byte> previous = stackalloc byte[LastBytesKept];
        int read = RandomAccess.Read(_handle!, previous[..known], _position - known);
        return read == known && !previous[..known].SequenceEqual(_lastBytes.AsSpan(0, known));
    }

    /// <summary>Where to start in a file that is already being written: just after its last newline.</summary>
    private long FindStartAtEnd(SafeFileHandle handle)
    {
        long length = RandomAccess.GetLength(handle);
        if (length == 0)
        {
            return 0;
        }

        int window = (int)Math.Min(length, _options.MaxLineLength + 1L);
        byte[] tail = new byte[window];
        int filled = 0;
        while (filled < window)
        {
            int read = RandomAccess.Read(handle, tail.AsSpan(filled), length - window + filled);
            if (read == 0)
            {
                break;
            }

            filled += read;
        }

        int newline = tail.AsSpan(0, filled).LastIndexOf((byte)'\n');
        if (newline >= 0)
        {
            RememberLastBytes(tail.AsSpan(0, newline + 1));
            return length - window + newline + 1;
        }

        if (window == length)
        {
            // One unterminated line is all there is: it is the line being written, read it whole.
            return 0;
        }

        // The line being written is already longer than the limit: skip the rest of it.
        StartSkipping(window);
        return length;
    }

    private void CloseFile()
    {
        SafeFileHandle? handle = Interlocked.Exchange(ref _handle, null);
        handle?.Dispose();
    }
}
