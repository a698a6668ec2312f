using System.Diagnostics;

namespace NerfEngine.Sensor.Capture.EveJson;

/// <summary>The line buffer: cutting complete lines out of what was read, and skipping long ones.</summary>
public sealed partial class EveJsonTailer
{
    /// <summary>Buffer ceiling: one maximal line and its newline, or one read chunk if that is larger.</summary>
    private readonly int _maxBufferLength;

    /// <summary>Bytes read but not handed on; always the start of one line (no newline in [0, _count)).</summary>
    private byte[] _buffer;

    /// <summary>Bytes held in <see cref="_buffer"/>.</summary>
    private int _count;

    /// <summary>True while the rest of an over-long line streams past; its bytes are not kept.</summary>
    private bool _skipping;

    /// <summary>Length of the line being skipped, as far as it has been seen.</summary>
    private long _skippedLength;

    /// <summary>
    /// Up to <see cref="LastBytesKept"/> bytes just before <see cref="_position"/>, to notice a file rewritten under us:
    /// truncated and refilled to the same length, its last byte is often a newline again, its last bytes rarely alike.
    /// </summary>
    private readonly byte[] _lastBytes = new byte[LastBytesKept];

    /// <summary>How many of <see cref="_lastBytes"/> are known; 0 for a fresh file, or reading restarted at 0.</summary>
    private int _lastBytesLength;

    /// <summary>Bytes kept of what was read last: a line's worth of an eve.json record's tail.</summary>
    private const int LastBytesKept = 32;

    /// <summary>Reads until the end of the file, handing on every complete line.</summary>
    private void ReadToEnd<THandler>(THandler handler, CancellationToken cancellationToken)
        where THandler : IEveLineHandler
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            if (_count == _buffer.Length)
            {
                // Consume keeps at most MaxLineLength bytes, and the ceiling is larger: growth is always possible.
                Debug.Assert(_buffer.Length < _maxBufferLength);
                Array.Resize(ref _buffer, (int)Math.Min((long)_buffer.Length * 2, _maxBufferLength));
            }

            int read = RandomAccess.Read(_handle!, _buffer.AsSpan(_count), _position);
            if (read == 0)
            {
                return;
            }

            _position += read;
            _lastGrowthAt = _time.GetTimestamp();
            Interlocked.Add(ref _bytesRead, read);
            int scanFrom = _count;
            _count += read;
            RememberLastBytes(_buffer.AsSpan(0, _count));
            Consume(handler, scanFrom);
        }
    }

    /// <summary>
    /// Hands on every line completed in the buffer (newlines are searched from <paramref name="scanFrom"/>,
    /// the bytes before it had none) and moves the partial rest to the front.
    /// </summary>
    private void Consume<THandler>(THandler handler, int scanFrom)
        where THandler : IEveLineHandler
    {
        int lineStart = 0;
        while (true)
        {
            int newline = _buffer.AsSpan(scanFrom, _count - scanFrom).IndexOf((byte)'\n');
            if (newline < 0)
            {
                break;
            }

            int lineEnd = scanFrom + newline;
            if (_skipping)
            {
                _skipping = false;
                Skip(handler, EveSkipReason.LineTooLong, _skippedLength + (lineEnd - lineStart));
            }
            else
            {
                Deliver(handler, _buffer.AsSpan(lineStart, lineEnd - lineStart));
            }

            lineStart = lineEnd + 1;
            scanFrom = lineStart;
        }

        int partial = _count - lineStart;
        if (_skipping)
        {
            _skippedLength += partial;
            _count = 0;
        }
        else if (partial > _options.MaxLineLength)
        {
            StartSkipping(partial);
        }
        else
        {
            _buffer.AsSpan(lineStart, partial).CopyTo(_buffer);
            _count = partial;
        }
    }

    /// <summary>Hands on one complete line, or counts it as too long.</summary>
    private void Deliver<THandler>(THandler handler, ReadOnlySpan<byte> line)
        where THandler : IEveLineHandler
    {
        if (line.Length > 0 && line[^1] == (byte)'\r')
        {
            line = line[..^1];
        }

        if (line.Length > _options.MaxLineLength)
        {
            Skip(handler, EveSkipReason.LineTooLong, line.Length);
            return;
        }

        try
        {
            handler.OnLine(line);
        }
        finally
        {
            // Counted once handled, so a reader of the stats never sees a line read but not yet mapped.
            Interlocked.Increment(ref _linesRead);
        }
    }

    private void Skip<THandler>(THandler handler, EveSkipReason reason, long length)
        where THandler : IEveLineHandler
    {
        Interlocked.Increment(ref reason == EveSkipReason.LineTooLong ? ref _linesTooLong : ref _linesCut);
        try
        {
            handler.OnSkippedLine(reason, length);
        }
        finally
        {
            Interlocked.Increment(ref _linesRead);
        }
    }

    /// <summary>Drops the buffered bytes and counts the rest of the current line as skipped.</summary>
    private void StartSkipping(long seen)
    {
        _skipping = true;
        _skippedLength = seen;
        _count = 0;
    }

    /// <summary>
    /// A rotated file ends here: its last line will never get a newline, so it is handed on as it is
    /// (Suricata writes whole lines, so this is usually a complete event whose newline was lost).
    /// </summary>
    private void FlushUnterminated<THandler>(THandler handler)
        where THandler : IEveLineHandler
    {
        if (_skipping)
        {
            Skip(handler, EveSkipReason.LineTooLong, _skippedLength);
        }
        else if (_count > 0)
        {
            Interlocked.Increment(ref _unterminated);
            Deliver(handler, _buffer.AsSpan(0, _count));
        }

        ResetLineState();
    }

    /// <summary>The buffered start of a line can never be completed; count it and drop it.</summary>
    private void DiscardPartial<THandler>(THandler handler, EveSkipReason reason)
        where THandler : IEveLineHandler
    {
        if (_skipping)
        {
            Skip(handler, EveSkipReason.LineTooLong, _skippedLength);
        }
        else if (_count > 0)
        {
            Skip(handler, reason, _count);
        }

        ResetLineState();
    }

    private void ResetLineState()
    {
        _count = 0;
        _skipping = false;
        _skippedLength = 0;
        _lastBytesLength = 0;
        if (_buffer.Length > _options.ReadChunkSize)
        {
            // One long line grew the buffer; a new file starts small again.
            _buffer = new byte[_options.ReadChunkSize];
        }
    }

    /// <summary>Keeps the end of <paramref name="endingAtPosition"/>, the bytes read last (they end at the read position).</summary>
    private void RememberLastBytes(ReadOnlySpan<byte> endingAtPosition)
    {
        ReadOnlySpan<byte> last = endingAtPosition[Math.Max(0, endingAtPosition.Length - LastBytesKept)..];
        last.CopyTo(_lastBytes);
        _lastBytesLength = last.Length;
    }
}
