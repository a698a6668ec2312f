using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace NerfEngine.Control.Mcp;

/// <summary>
/// The stdin/stdout pair of <c>mcp --stdio</c>, wrapped so that end of input does not end the session while requests
/// already read are unanswered: the MCP SDK stops its session (and abandons running handlers) as soon as its input
/// reports end of stream, so a client that writes its requests and closes stdin (<c>printf … | Control.Node mcp</c>)
/// would get no answers. <see cref="Input"/> notes the id of every JSON-RPC request line it hands on,
/// <see cref="Output"/> strikes an id off when a response with it is written, and <see cref="Input"/> reports end of
/// stream only once nothing is outstanding (or after <c>drainTimeout</c>, logged).
/// </summary>
internal sealed class StdioRequestLedger
{
    private readonly Lock _lock = new();
    private readonly TimeSpan _drainTimeout;
    private readonly ILogger _logger;

    /// <summary>Ids of requests read and not yet answered; guarded by <see cref="_lock"/>.</summary>
    private readonly HashSet<string> _outstanding = new(StringComparer.Ordinal);

    /// <summary>Completed when <see cref="_outstanding"/> becomes empty; replaced when it becomes non-empty. Guarded by <see cref="_lock"/>.</summary>
    private TaskCompletionSource _drained = NewDrained(completed: true);

    public StdioRequestLedger(Stream input, Stream output, TimeSpan drainTimeout, ILogger logger)
    {
        _drainTimeout = drainTimeout;
        _logger = logger;
        Input = new LineTap(input, this, isInput: true);
        Output = new LineTap(output, this, isInput: false);
    }

    /// <summary>What the transport reads: stdin, with end of stream held back until every request read is answered.</summary>
    public Stream Input { get; }

    /// <summary>What the transport writes: stdout, unchanged.</summary>
    public Stream Output { get; }

    /// <summary>Requests read and not yet answered.</summary>
    public int Outstanding
    {
        get
        {
            lock (_lock)
            {
                return _outstanding.Count;
            }
        }
    }

    private static TaskCompletionSource NewDrained(bool completed)
    {
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (completed)
        {
            tcs.SetResult();
        }

        return tcs;
    }

    /// <summary>Notes a whole line that crossed the pipe in either direction.</summary>
    private void Observe(ReadOnlySpan<byte> line, bool isInput)
    {
        if (!TryReadEnvelope(line, out var id, out var isRequest) || id is null)
        {
            return;
        }

        TaskCompletionSource? drained = null;
        lock (_lock)
        {
            if (isInput && isRequest)
            {
                if (_outstanding.Add(id) && _outstanding.Count == 1)
                {
                    _drained = NewDrained(completed: false);
                }
            }
            else if (!isInput && !isRequest && _outstanding.Remove(id) && _outstanding.Count == 0)
            {
                drained = _drained;
            }
        }

        drained?.TrySetResult(); // outside the lock
    }

    /// <summary>Waits, at end of input, until every request read has been answered (bounded by the drain timeout).</summary>
    private async Task DrainAsync(CancellationToken cancellationToken)
    {
        Task drained;
        int outstanding;
        lock (_lock)
        {
            drained = _drained.Task;
            outstanding = _outstanding.Count;
        }

        if (outstanding == 0)
        {
            return;
        }

        _logger.LogInformation("MCP stdio: input closed; answering {Count} request(s) already read before exiting", outstanding);
        try
        {
            await drained.WaitAsync(_drainTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _logger.LogWarning("MCP stdio: {Count} request(s) still unanswered {Timeout} after input closed (Mcp:StdioDrainTimeout); exiting without them",
                Outstanding, _drainTimeout);
        }
    }

    /// <summary>The id (normalised: numbers as written, strings quoted) and whether the line is a request (has a method).</summary>
    private static bool TryReadEnvelope(ReadOnlySpan<byte> line, out string? id, out bool isRequest)
    {
        id = null;
        isRequest = false;
        try
        {
            var reader = new Utf8JsonReader(line, new JsonReaderOptions { MaxDepth = 1024 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isId = reader.ValueTextEquals("id"u8);
                var isMethod = reader.ValueTextEquals("method"u8);
                reader.Read();
                if (isId && reader.TokenType is JsonTokenType.String or JsonTokenType.Number)
                {
                    id = reader.TokenType == JsonTokenType.String ? "\"" + reader.GetString() + "\"" : Encoding.UTF8.GetString(reader.ValueSpan);
                }
                else if (isMethod)
                {
                    isRequest = true;
                }

                reader.Skip();
            }

            return true;
        }
        catch (JsonException)
        {
            return false; // not JSON-RPC; the SDK answers it (or not) on its own
        }
    }

    /// <summary>Passes bytes through unchanged, handing each whole line to the ledger; the input side holds back end of stream.</summary>
    private sealed class LineTap(Stream inner, StdioRequestLedger ledger, bool isInput) : Stream
    {
        private readonly MemoryStream _line = new();

        public override bool CanRead => isInput;

        public override bool CanWrite => !isInput;

        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (read == 0 && _line.Length > 0 && buffer.Length > 0)
            {
                // A last request without its newline: end the line for the SDK's line reader, or it would wait for EOF
                // to see the request while EOF waits for the request to be answered.
                ledger.Observe(_line.GetBuffer().AsSpan(0, (int)_line.Length), isInput);
                _line.SetLength(0);
                buffer.Span[0] = (byte)'\n';
                return 1;
            }

            if (read == 0)
            {
                await ledger.DrainAsync(cancellationToken).ConfigureAwait(false);
                return 0;
            }

            Tap(buffer.Span[..read]);
            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
            Tap(buffer.Span);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Write(byte[] buffer, int offset, int count)
        {
            inner.Write(buffer, offset, count);
            Tap(buffer.AsSpan(offset, count));
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override void Flush() => inner.Flush();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
                _line.Dispose();
            }

            base.Dispose(disposing);
        }

        /// <summary>Accumulates bytes into lines (one reader and one writer per side, so no lock) and hands whole lines on.</summary>
        private void Tap(ReadOnlySpan<byte> bytes)
        {
            while (bytes.Length > 0)
            {
                var newline = bytes.IndexOf((byte)'\n');
                if (newline < 0)
                {
                    _line.Write(bytes);
                    return;
                }

                _line.Write(bytes[..newline]);
                ledger.Observe(_line.GetBuffer().AsSpan(0, (int)_line.Length), isInput);
                _line.SetLength(0);
                bytes = bytes[(newline + 1)..];
            }
        }
    }
}
