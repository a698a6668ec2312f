using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using NerfEngine.Control.Ingress.EveStreamer;
using NerfEngine.Shared.Messages.EveStreamer;

namespace NerfEngine.Tests.ControlNode.Ingress.EveStreamer.Support;

/// <summary>
/// A raw gRPC client over cleartext HTTP/2 (HttpClient, HTTP/2.0 with RequestVersionExact = prior knowledge): sends
/// whatever bytes a test builds, and reads back the HTTP status, headers, the one response message and the trailers.
/// </summary>
internal sealed class GrpcH2cClient : IDisposable
{
    private readonly HttpClient _http;

    public GrpcH2cClient(Uri baseAddress)
    {
        _http = new HttpClient(new SocketsHttpHandler { EnableMultipleHttp2Connections = true })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    /// <summary>One call: POST <paramref name="path"/> with <paramref name="body"/> and the given metadata.</summary>
    public Task<GrpcReply> CallAsync(
        byte[] body, string? token, string? path = null, string contentType = "application/grpc", IReadOnlyDictionary<string, string>? metadata = null) =>
        CallAsync(new ByteArrayContent(body), token, path, contentType, metadata);

    /// <summary>One call with any request content (e.g. a stream that never ends, for deadlines).</summary>
    public async Task<GrpcReply> CallAsync(
        HttpContent content, string? token, string? path = null, string contentType = "application/grpc", IReadOnlyDictionary<string, string>? metadata = null,
        CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path ?? EventStreamerService.StreamEventsPath)
        {
            Content = content,
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.TryAddWithoutValidation("te", "trailers");
        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation("authorization", $"Bearer {token}");
        }

        foreach (var (key, value) in metadata ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(key, value);
        }

        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return GrpcReply.From(response, bytes);
    }

    /// <summary>Calls with the given events, each as one uncompressed message.</summary>
    public Task<GrpcReply> StreamAsync(string? token, params Event[] events) =>
        CallAsync(GrpcFrames.Of(events.Select(GrpcFrames.Message).ToArray()), token);

    public void Dispose() => _http.Dispose();
}

/// <summary>What came back from one call.</summary>
internal sealed record GrpcReply(
    HttpStatusCode HttpStatus,
    string? ContentType,
    int? Status,
    string? Message,
    bool TrailersOnly,
    StreamSummary? Summary,
    string? AcceptEncoding)
{
    public static GrpcReply From(HttpResponseMessage response, byte[] body)
    {
        // Trailers-Only puts grpc-status in the one HEADERS block, which HttpClient files under the response headers.
        var inTrailers = response.TrailingHeaders.TryGetValues("grpc-status", out var trailerStatus);
        var inHeaders = response.Headers.TryGetValues("grpc-status", out var headerStatus);
        var status = inTrailers ? trailerStatus : inHeaders ? headerStatus : null;
        var message = (inTrailers ? response.TrailingHeaders : response.Headers).TryGetValues("grpc-message", out var m) ? Uri.UnescapeDataString(m.Single()) : null;
        StreamSummary? summary = null;
        if (body.Length >= 5)
        {
            var length = BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(1, 4));
            Assert.Equal(0, body[0]);
            Assert.Equal(body.Length - 5, (int)length);
            summary = StreamSummary.Parser.ParseFrom(body.AsSpan(5).ToArray());
        }
        else
        {
            Assert.Empty(body);
        }

        return new GrpcReply(
            response.StatusCode,
            response.Content.Headers.ContentType?.MediaType,
            status is null ? null : int.Parse(status.Single(), System.Globalization.CultureInfo.InvariantCulture),
            message,
            inHeaders && !inTrailers,
            summary,
            response.Headers.TryGetValues("grpc-accept-encoding", out var accept) ? accept.Single() : null);
    }
}

/// <summary>Length-Prefixed-Messages built by hand, correct or deliberately broken.</summary>
internal static class GrpcFrames
{
    /// <summary>flag | big-endian length | payload, with any flag and declared length.</summary>
    public static byte[] Raw(byte compressedFlag, uint declaredLength, ReadOnlySpan<byte> payload)
    {
        var frame = new byte[5 + payload.Length];
        frame[0] = compressedFlag;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1, 4), declaredLength);
        payload.CopyTo(frame.AsSpan(5));
        return frame;
    }

    public static byte[] Message(IMessage message)
    {
        var payload = message.ToByteArray();
        return Raw(0, (uint)payload.Length, payload);
    }

    public static byte[] Of(params byte[][] frames) => frames.SelectMany(f => f).ToArray();
}
