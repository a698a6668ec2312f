using System.Net;
using System.Threading.Channels;

namespace NerfEngine.Tests.ControlNode.Ingress.EveStreamer.Support;

/// <summary>
/// Request content that sends its first bytes, then keeps the stream open: more bytes go out on <see cref="Send"/>,
/// and the client's end of stream on <see cref="Finish"/> (or when the exchange is disposed).
/// </summary>
internal sealed class OpenStreamContent(byte[] first) : HttpContent
{
    private readonly Channel<byte[]> _more = Channel.CreateUnbounded<byte[]>();

    /// <summary>Queues <paramref name="bytes"/> to be sent on the open stream.</summary>
    public void Send(byte[] bytes) => _more.Writer.TryWrite(bytes);

    /// <summary>Ends the request stream once the queued bytes are sent.</summary>
    public void Finish() => _more.Writer.TryComplete();

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(first, cancellationToken);
        await stream.FlushAsync(cancellationToken);
        await foreach (var bytes in _more.Reader.ReadAllAsync(cancellationToken))
        {
            await stream.WriteAsync(bytes, cancellationToken);
            await stream.FlushAsync(cancellationToken);
        }
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        Finish();
        base.Dispose(disposing);
    }
}
