using System.Buffers;
using System.Globalization;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Extensions.Logging;
using NerfEngine.Control.Ingress.Grpc;
using NerfEngine.Control.LiveIngest;
using NerfEngine.Shared.Messages.EveStreamer;

namespace NerfEngine.Control.Ingress.EveStreamer;

/// <summary>
/// <c>rpc StreamEvents(stream Event) returns (StreamSummary)</c> of <c>service eve_streamer.EventStreamer</c>
/// (proto/eve_streamer.proto), served by hand on Kestrel because the gRPC server packages cannot be restored here.
/// Checks, in order: content-type (415), POST (405), method path (UNIMPLEMENTED), bearer token (UNAUTHENTICATED),
/// grpc-timeout (INTERNAL when malformed), a free stream slot on the node and the connection (RESOURCE_EXHAUSTED);
/// then reads Length-Prefixed-Messages from the request body until the client's end of stream, offering each valid
/// event to the live-ingest queue, and answers one <see cref="StreamSummary"/> with grpc-status OK. A stream quiet
/// for longer than the message idle timeout, or past its grpc-timeout, ends with DEADLINE_EXCEEDED. A broken frame
/// ends the call with the status gRPC prescribes (Trailers-Only, since nothing was answered yet); events before it
/// were already offered and the message says how many. Nothing here throws into Kestrel for bad input, so the server keeps serving.
/// </summary>
public sealed class EventStreamerService
{
    /// <summary>The one method served, from the compiled proto: <c>/eve_streamer.EventStreamer/StreamEvents</c>.</summary>
    public static readonly string StreamEventsPath =
        $"/{EveStreamerReflection.Descriptor.Services[0].FullName}/{EveStreamerReflection.Descriptor.Services[0].Methods[0].Name}";

    private const string EncodingHeader = "grpc-encoding";
    private const string TimeoutHeader = "grpc-timeout";

    private readonly EveStreamerOptions _options;
    private readonly ShipperTokens _tokens;
    private readonly ShipperEventMapper _mapper;
    private readonly ILiveEventSink _sink;
    private readonly EveStreamerMetrics _metrics;
    private readonly StreamAdmission _admission;
    private readonly TimeProvider _time;
    private readonly ILogger<EventStreamerService> _logger;

    public EventStreamerService(
        EveStreamerOptions options, ShipperTokens tokens, ILiveEventSink sink, EveStreamerMetrics metrics, StreamAdmission admission, TimeProvider time,
        ILogger<EventStreamerService> logger)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _tokens = tokens ?? throw new ArgumentNullException(nameof(tokens));
        _sink = sink ?? throw new ArgumentNullException(nameof(sink));
        _metrics = metrics ?? throw new ArgumentNullException(nameof(metrics));
        _admission = admission ?? throw new ArgumentNullException(nameof(admission));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _mapper = new ShipperEventMapper(options, time);
    }

    /// <summary>Serves one HTTP/2 request that arrived on the ingress listener, on a connection carrying <paramref name="connection"/>.</summary>
    public async Task HandleAsync(HttpContext context, ConnectionStreams connection)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(connection);
        _metrics.CallStarted();
        var code = GrpcStatusCode.Unknown;
        try
        {
            code = await ServeAsync(context, connection).ConfigureAwait(false);
        }
        finally
        {
            _metrics.CallEnded(code);
        }
    }

    private async Task<GrpcStatusCode> ServeAsync(HttpContext context, ConnectionStreams connection)
    {
        var request = context.Request;
        if (!IsGrpcContentType(request.ContentType))
        {
            // PROTOCOL-HTTP2.md: servers SHOULD answer 415 so non-gRPC clients do not read a 200 as success.
            return await RefuseAsync(context, null, new GrpcStatus(GrpcStatusCode.Internal,
                $"content-type '{request.ContentType}' is not application/grpc"), StatusCodes.Status415UnsupportedMediaType).ConfigureAwait(false);
        }

        if (!HttpMethods.IsPost(request.Method))
        {
            context.Response.Headers.Allow = "POST";
            return await RefuseAsync(context, null, new GrpcStatus(GrpcStatusCode.Internal,
                $"gRPC calls are POST requests, not {request.Method}"), StatusCodes.Status405MethodNotAllowed).ConfigureAwait(false);
        }

        if (!string.Equals(request.Path.Value, StreamEventsPath, StringComparison.Ordinal))
        {
            return await RefuseAsync(context, null, new GrpcStatus(GrpcStatusCode.Unimplemented,
                $"method {request.Path.Value} is not implemented here; this server serves {StreamEventsPath}")).ConfigureAwait(false);
        }

        var authorization = request.Headers.Authorization;
        if (!_tokens.TryAuthenticate(ShipperTokens.BearerToken(authorization.Count == 1 ? authorization[0] : null), out var shipper))
        {
            return await RefuseAsync(context, null, new GrpcStatus(GrpcStatusCode.Unauthenticated, authorization.Count == 0
                ? "missing bearer token: send metadata 'authorization: Bearer <token>'"
                : "invalid bearer token")).ConfigureAwait(false);
        }

        var timeoutHeader = request.Headers[TimeoutHeader];
        if (!GrpcTimeout.TryParse(timeoutHeader.Count == 0 ? null : timeoutHeader.ToString(), out var timeout))
        {
            return await RefuseAsync(context, shipper, new GrpcStatus(GrpcStatusCode.Internal,
                $"malformed grpc-timeout '{timeoutHeader}': expected up to 8 digits and a unit H, M, S, m, u or n")).ConfigureAwait(false);
        }

        if (!_admission.TryAdmit(connection, out var slot, out var limit))
        {
            _metrics.StreamRefused(limit);
            // statuscodes.md: a server temporarily out of resources answers RESOURCE_EXHAUSTED; the shipper backs off and retries.
            return await RefuseAsync(context, shipper, new GrpcStatus(GrpcStatusCode.ResourceExhausted, limit == StreamLimit.Node
                ? string.Create(CultureInfo.InvariantCulture,
                    $"this node already serves {_admission.Bound(limit)} eve-streamer streams, its limit ({EveStreamerOptions.Section}:MaxConcurrentStreams); retry later")
                : string.Create(CultureInfo.InvariantCulture,
                    $"this connection already carries {_admission.Bound(limit)} eve-streamer streams, the limit per connection ({EveStreamerOptions.Section}:MaxConcurrentStreamsPerConnection); retry later")))
                .ConfigureAwait(false);
        }

        using (slot)
        {
            AllowLongLivedStream(context);
            return await StreamAsync(context, shipper, timeout).ConfigureAwait(false);
        }
    }

    /// <summary>Reads messages until the client ends its stream, then answers the summary.</summary>
    private async Task<GrpcStatusCode> StreamAsync(HttpContext context, string shipper, TimeSpan? timeout)
    {
        var tally = new StreamTally(_options.MaxReasonsInSummary);
        var call = new CallState(_options.SourcePrefix + shipper, context.Request.Headers[EncodingHeader].ToString(), tally);
        using var deadline = timeout is { } t ? new CancellationTokenSource(t, _time) : null;
        var idleTimeout = _options.MessageIdleTimeout;
        using var idle = _options.HasMessageIdleTimeout ? new CancellationTokenSource(idleTimeout, _time) : null;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, deadline?.Token ?? default, idle?.Token ?? default);
        var cancel = linked.Token;
        var reader = context.Request.BodyReader;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(cancel).ConfigureAwait(false);
                var buffer = result.Buffer;
                var before = tally.Events;
                var failure = ReadMessages(ref buffer, call);
                if (tally.Events != before)
                {
                    // Whole messages restart the idle clock (once per read, not per message); bytes of a message still
                    // arriving do not, so a sender that trickles one message forever is still ended.
                    idle?.CancelAfter(idleTimeout);
                }

                if (failure is null && result.IsCompleted && buffer.Length > 0)
                {
                    failure = Truncated(buffer, call);
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
                if (failure is { } status)
                {
                    return await RefuseAsync(context, shipper, WithProgress(status, tally)).ConfigureAwait(false);
                }

                if (result.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (deadline?.IsCancellationRequested == true && !context.RequestAborted.IsCancellationRequested)
        {
            return await RefuseAsync(context, shipper, WithProgress(new GrpcStatus(GrpcStatusCode.DeadlineExceeded,
                string.Create(CultureInfo.InvariantCulture, $"deadline of {timeout!.Value.TotalMilliseconds:0.###} ms (grpc-timeout) exceeded before the stream ended")), tally)).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (idle?.IsCancellationRequested == true && !context.RequestAborted.IsCancellationRequested)
        {
            // DEADLINE_EXCEEDED, not CANCELLED: statuscodes.md keeps CANCELLED for a call the client cancelled (counted
            // as such below), while this is a deadline the server set for the next message and the client missed.
            _metrics.StreamIdled();
            return await RefuseAsync(context, shipper, WithProgress(new GrpcStatus(GrpcStatusCode.DeadlineExceeded, string.Create(CultureInfo.InvariantCulture,
                $"no message for {idleTimeout.TotalMilliseconds:0.###} ms ({EveStreamerOptions.Section}:MessageIdleTimeout): the server ended the idle stream; open a new one to send more")),
                tally)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The client reset the stream or the connection dropped: nobody is left to answer.
            _logger.LogInformation("eve-streamer stream from {Shipper} was cancelled by the client after {Events} events ({Accepted} accepted)",
                shipper, tally.Events, tally.Accepted);
            return GrpcStatusCode.Cancelled;
        }

        var summary = tally.ToSummary();
        await GrpcResponse.WriteMessageAsync(context, summary, GrpcStatus.Ok(), context.RequestAborted).ConfigureAwait(false);
        _logger.LogDebug("eve-streamer stream from {Shipper} ended: {Summary}", shipper, summary.Message);
        return GrpcStatusCode.Ok;
    }

    /// <summary>Handles every whole message at the front of <paramref name="buffer"/>; returns the status that ends the call, if any.</summary>
    private GrpcStatus? ReadMessages(ref ReadOnlySequence<byte> buffer, CallState call)
    {
        while (true)
        {
            var index = call.Tally.Events + 1;
            switch (GrpcFrameReader.TryRead(ref buffer, _options.MaxMessageBytes, out var frame))
            {
                case GrpcFrameStatus.NeedMoreData:
                    return null;
                case GrpcFrameStatus.MessageTooLarge:
                    return new GrpcStatus(GrpcStatusCode.ResourceExhausted, string.Create(CultureInfo.InvariantCulture,
                        $"message #{index} is {frame.DeclaredLength} bytes, more than the limit of {_options.MaxMessageBytes} ({EveStreamerOptions.Section}:MaxMessageBytes)"));
                case GrpcFrameStatus.InvalidCompressedFlag:
                    return new GrpcStatus(GrpcStatusCode.Internal, string.Create(CultureInfo.InvariantCulture,
                        $"message #{index} has compressed flag {frame.CompressedFlag}; it must be 0 or 1"));
                case GrpcFrameStatus.Message:
                    _metrics.MessageRead(frame.DeclaredLength, frame.Compressed);
                    if (Handle(frame, index, call) is { } failure)
                    {
                        return failure;
                    }

                    break;
            }
        }
    }

    /// <summary>One message: decompress, parse, validate, offer, count.</summary>
    private GrpcStatus? Handle(GrpcFrame frame, long index, CallState call)
    {
        var payload = frame.Payload;
        if (frame.Compressed && Decompress(ref payload, index, call.Encoding) is { } compressionFailure)
        {
            return compressionFailure;
        }

        Event message;
        try
        {
            message = Event.Parser.ParseFrom(payload);
        }
        catch (InvalidProtocolBufferException ex)
        {
            return new GrpcStatus(GrpcStatusCode.InvalidArgument, string.Create(CultureInfo.InvariantCulture,
                $"message #{index} ({payload.Length} bytes) is not a valid eve_streamer.Event: {ex.Message}"));
        }

        if (_mapper.Map(message, index, call.Source, out var rejection) is not { } liveEvent)
        {
            Reject(call.Tally, rejection!);
            return null;
        }

        LiveOfferOutcome outcome;
        try
        {
            outcome = _sink.Offer(liveEvent);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The sink promises not to throw for a well-formed event; if it does, the shipper must hear of it.
            _logger.LogError(ex, "The live-ingest queue failed on eve-streamer event #{Index} from {Source}", index, call.Source);
            return new GrpcStatus(GrpcStatusCode.Internal, string.Create(CultureInfo.InvariantCulture,
                $"the live-ingest queue failed on message #{index}: {ex.Message}"));
        }

        call.Tally.RecordOffer(outcome);
        _metrics.EventOffered(outcome);
        if (outcome == LiveOfferOutcome.Unmappable)
        {
            Reject(call.Tally, new EventRejection(index, message.EventId, EventRejectionReason.Unmappable,
                "no usable addresses in its entities: the live-ingest queue cannot turn it into an edge"));
        }

        return null;
    }

    /// <summary>Replaces a compressed payload by its inflated bytes, or says why it cannot be read.</summary>
    private GrpcStatus? Decompress(ref ReadOnlySequence<byte> payload, long index, string encoding)
    {
        if (encoding.Length == 0 || encoding == GrpcMessageEncoding.Identity)
        {
            // compression.md: Compressed-Flag set without a grpc-encoding other than identity MUST fail with INTERNAL.
            return new GrpcStatus(GrpcStatusCode.Internal, string.Create(CultureInfo.InvariantCulture,
                $"message #{index} has the compressed flag set, but the call declares no grpc-encoding"));
        }

        if (!GrpcMessageEncoding.CanDecompress(encoding))
        {
            // compression.md: an unsupported algorithm is UNIMPLEMENTED, and grpc-accept-encoding lists what is.
            return new GrpcStatus(GrpcStatusCode.Unimplemented,
                $"grpc-encoding '{encoding}' is not supported; this server accepts {GrpcMessageEncoding.Accepted}");
        }

        switch (GrpcMessageEncoding.TryDecompress(encoding, payload, _options.MaxMessageBytes, out var inflated))
        {
            case GrpcDecompressStatus.TooLarge:
                return new GrpcStatus(GrpcStatusCode.ResourceExhausted, string.Create(CultureInfo.InvariantCulture,
                    $"message #{index} inflates to more than the limit of {_options.MaxMessageBytes} bytes ({EveStreamerOptions.Section}:MaxMessageBytes)"));
            case GrpcDecompressStatus.Corrupt:
                return new GrpcStatus(GrpcStatusCode.Internal, string.Create(CultureInfo.InvariantCulture,
                    $"message #{index} is not valid {encoding} data"));
            default:
                payload = new ReadOnlySequence<byte>(inflated);
                return null;
        }
    }

    private void Reject(StreamTally tally, EventRejection rejection)
    {
        tally.RecordRejection(rejection);
        _metrics.EventRejected(rejection.Reason);
    }

    /// <summary>The client ended its stream inside a message.</summary>
    private static GrpcStatus Truncated(in ReadOnlySequence<byte> rest, CallState call)
    {
        var index = call.Tally.Events + 1;
        var detail = rest.Length < GrpcFrameReader.HeaderLength
            ? $"{rest.Length} of its {GrpcFrameReader.HeaderLength} header bytes"
            : $"{rest.Length - GrpcFrameReader.HeaderLength} of the {DeclaredLength(rest)} bytes its header declares";
        return new GrpcStatus(GrpcStatusCode.Internal, string.Create(CultureInfo.InvariantCulture,
            $"the stream ended inside message #{index}: only {detail} arrived"));
    }

    private static uint DeclaredLength(ReadOnlySequence<byte> rest)
    {
        var copy = rest;
        GrpcFrameReader.TryRead(ref copy, long.MaxValue, out var frame);
        return frame.DeclaredLength;
    }

    /// <summary>Adds what the stream delivered before it failed, so the shipper knows what not to resend.</summary>
    private static GrpcStatus WithProgress(GrpcStatus status, StreamTally tally) => tally.Events == 0
        ? status
        : status with
        {
            Message = string.Create(CultureInfo.InvariantCulture,
                $"{status.Message} (before it: {tally.Accepted} events accepted, {tally.Rejected} rejected)"),
        };

    private async Task<GrpcStatusCode> RefuseAsync(HttpContext context, string? shipper, GrpcStatus status, int httpStatus = StatusCodes.Status200OK)
    {
        var level = status.Code == GrpcStatusCode.Unauthenticated ? LogLevel.Warning : LogLevel.Information;
        _logger.Log(level, "eve-streamer call {Path} from {Remote} ({Shipper}) refused: {Status}",
            context.Request.Path.Value, context.Connection.RemoteIpAddress, shipper ?? "unauthenticated", status);
        await GrpcResponse.WriteTrailersOnlyAsync(context, status, httpStatus).ConfigureAwait(false);
        return status.Code;
    }

    /// <summary>application/grpc or application/grpc+proto (parameters allowed); +json and others are not served.</summary>
    private static bool IsGrpcContentType(string? contentType)
    {
        if (contentType is null)
        {
            return false;
        }

        var mediaType = contentType.Split(';', 2)[0].Trim();
        return mediaType.Equals(GrpcResponse.ContentType, StringComparison.OrdinalIgnoreCase)
            || mediaType.Equals(GrpcResponse.ContentType + "+proto", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// A shipper's stream stays open for as long as it ships, often with long quiet spells: Kestrel's request body
    /// size cap and minimum data rate are for uploads, not streams (gRPC servers lift them too). Messages stay bounded
    /// by <see cref="EveStreamerOptions.MaxMessageBytes"/>; a stuck client by <see cref="EveStreamerOptions.MessageIdleTimeout"/>
    /// and its own grpc-timeout.
    /// </summary>
    private static void AllowLongLivedStream(HttpContext context)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = null;
        }

        if (context.Features.Get<IHttpMinRequestBodyDataRateFeature>() is { } rate)
        {
            rate.MinDataRate = null;
        }
    }

    /// <summary>Per-call state: the live-event source, the declared message encoding, the tally.</summary>
    private sealed record CallState(string Source, string Encoding, StreamTally Tally);
}
