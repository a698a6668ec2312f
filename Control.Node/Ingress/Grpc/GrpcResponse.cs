using Google.Protobuf;
using Microsoft.AspNetCore.Http;

namespace NerfEngine.Control.Ingress.Grpc;

/// <summary>
/// Writes the two response shapes of gRPC over HTTP/2 (grpc/grpc doc/PROTOCOL-HTTP2.md, "Responses"):
/// headers + one Length-Prefixed-Message + trailers, or Trailers-Only (status in the single HEADERS block) for calls
/// that fail before any answer was started.
/// </summary>
public static class GrpcResponse
{
    public const string ContentType = "application/grpc";
    public const string StatusHeader = "grpc-status";
    public const string MessageHeader = "grpc-message";
    public const string AcceptEncodingHeader = "grpc-accept-encoding";

    /// <summary>Trailers-Only: HTTP status (200 unless the protocol asks otherwise), content-type, grpc-status, grpc-message.</summary>
    public static Task WriteTrailersOnlyAsync(HttpContext context, GrpcStatus status, int httpStatus = StatusCodes.Status200OK)
    {
        ArgumentNullException.ThrowIfNull(context);
        var response = context.Response;
        response.StatusCode = httpStatus;
        response.ContentType = ContentType;
        response.Headers[AcceptEncodingHeader] = GrpcMessageEncoding.Accepted;
        response.Headers[StatusHeader] = ((int)status.Code).ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (status.Message.Length > 0)
        {
            response.Headers[MessageHeader] = GrpcStatusMessage.Encode(status.Message);
        }

        return response.CompleteAsync();
    }

    /// <summary>Headers, <paramref name="message"/> as one uncompressed Length-Prefixed-Message, then the status in trailers.</summary>
    public static async Task WriteMessageAsync(HttpContext context, IMessage message, GrpcStatus status, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(message);
        var response = context.Response;
        if (!response.SupportsTrailers())
        {
            // Only reachable over HTTP/1.1, which the ingress listener does not speak.
            throw new InvalidOperationException("gRPC needs HTTP trailers; this connection does not support them.");
        }

        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = ContentType;
        response.Headers[AcceptEncodingHeader] = GrpcMessageEncoding.Accepted;
        var writer = response.BodyWriter;
        GrpcFrameReader.WriteHeader(writer.GetSpan(GrpcFrameReader.HeaderLength), (uint)message.CalculateSize());
        writer.Advance(GrpcFrameReader.HeaderLength);
        message.WriteTo(writer);
        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        response.AppendTrailer(StatusHeader, ((int)status.Code).ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (status.Message.Length > 0)
        {
            response.AppendTrailer(MessageHeader, GrpcStatusMessage.Encode(status.Message));
        }

        await response.CompleteAsync().ConfigureAwait(false);
    }
}
