using System.Text;
using System.Text.Json.Nodes;

namespace NerfEngine.Control.Mcp;

/// <summary>
/// Passes the SDK's response writes through to the HTTP body while keeping the first bytes, so the endpoint can
/// see whether a protocol request (not tools/call, which the registry audits) was answered with a JSON-RPC error
/// and audit it. The SDK's own response hook reports no message for handshake-based protocol versions.
/// </summary>
internal sealed class ResponsePrefixCapture(Stream inner, int capacity) : Stream
{
    private readonly MemoryStream _prefix = new();

    /// <summary>The JSON-RPC error of the first SSE data line, if the answer was an error.</summary>
    public (int Code, string Message)? Error()
    {
        var text = Encoding.UTF8.GetString(_prefix.GetBuffer(), 0, (int)_prefix.Length);
        var data = text.Split('\n').FirstOrDefault(l => l.StartsWith("data:", StringComparison.Ordinal));
        if (data is null)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(data[5..])?["error"] is JsonObject error && error["code"] is JsonValue code
                ? (code.GetValue<int>(), error["message"]?.GetValue<string>() ?? string.Empty)
                : null;
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidOperationException or FormatException)
        {
            return null; // longer than the prefix: not a short error reply
        }
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count)
    {
        Keep(buffer.AsSpan(offset, count));
        inner.Write(buffer, offset, count);
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Keep(buffer.Span);
        await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private void Keep(ReadOnlySpan<byte> bytes)
    {
        var room = capacity - (int)_prefix.Length;
        if (room > 0)
        {
            _prefix.Write(bytes[..Math.Min(room, bytes.Length)]);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _prefix.Dispose();
        }

        base.Dispose(disposing);
    }
}
