using System.Buffers;
using System.Buffers.Binary;

namespace NerfEngine.Control.Ingress.Grpc;

/// <summary>What <see cref="GrpcFrameReader.TryRead"/> found at the front of the buffer.</summary>
public enum GrpcFrameStatus
{
    /// <summary>Not a whole message yet: read more (or, at end of stream, the last message is truncated).</summary>
    NeedMoreData,

    /// <summary>One whole message; the buffer was advanced past it.</summary>
    Message,

    /// <summary>The header declares more bytes than the limit; nothing was consumed.</summary>
    MessageTooLarge,

    /// <summary>The Compressed-Flag byte is neither 0 nor 1; nothing was consumed.</summary>
    InvalidCompressedFlag,
}

/// <summary>One Length-Prefixed-Message: its Compressed-Flag, declared length and payload (a slice of the read buffer).</summary>
public readonly record struct GrpcFrame(byte CompressedFlag, uint DeclaredLength, ReadOnlySequence<byte> Payload)
{
    public bool Compressed => CompressedFlag == 1;
}

/// <summary>
/// Splits a gRPC request body into Length-Prefixed-Messages: 1-byte Compressed-Flag, 4-byte big-endian
/// Message-Length, Message (grpc/grpc doc/PROTOCOL-HTTP2.md, "Requests"). DATA frames and read segments have no
/// relation to message boundaries, so a header or payload may span segments. The length is checked against the limit
/// as soon as the header is in, before the payload is buffered.
/// </summary>
public static class GrpcFrameReader
{
    /// <summary>Compressed-Flag (1) + Message-Length (4).</summary>
    public const int HeaderLength = 5;

    /// <summary>
    /// Reads one message from the front of <paramref name="buffer"/>. On <see cref="GrpcFrameStatus.Message"/> the
    /// buffer is advanced past it; on <see cref="GrpcFrameStatus.MessageTooLarge"/> and
    /// <see cref="GrpcFrameStatus.InvalidCompressedFlag"/> <paramref name="frame"/> carries the header fields.
    /// </summary>
    public static GrpcFrameStatus TryRead(ref ReadOnlySequence<byte> buffer, long maxMessageBytes, out GrpcFrame frame)
    {
        frame = default;
        if (buffer.Length < HeaderLength)
        {
            return GrpcFrameStatus.NeedMoreData;
        }

        Span<byte> header = stackalloc byte[HeaderLength];
        buffer.Slice(0, HeaderLength).CopyTo(header);
        var flag = header[0];
        var length = BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
        frame = new GrpcFrame(flag, length, ReadOnlySequence<byte>.Empty);
        if (flag > 1)
        {
            return GrpcFrameStatus.InvalidCompressedFlag;
        }

        if (length > maxMessageBytes)
        {
            return GrpcFrameStatus.MessageTooLarge;
        }

        if (buffer.Length - HeaderLength < length)
        {
            return GrpcFrameStatus.NeedMoreData;
        }

        frame = frame with { Payload = buffer.Slice(HeaderLength, length) };
        buffer = buffer.Slice(frame.Payload.End);
        return GrpcFrameStatus.Message;
    }

    /// <summary>Writes a Length-Prefixed-Message header (uncompressed) for a payload of <paramref name="length"/> bytes.</summary>
    public static void WriteHeader(Span<byte> destination, uint length)
    {
        destination[0] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(destination[1..HeaderLength], length);
    }
}
