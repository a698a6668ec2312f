using System.Buffers;
using System.IO.Compression;

namespace NerfEngine.Control.Ingress.Grpc;

/// <summary>What became of a compressed message.</summary>
public enum GrpcDecompressStatus
{
    Ok,

    /// <summary>It inflates past the message-size limit.</summary>
    TooLarge,

    /// <summary>The bytes are not valid data of the declared encoding.</summary>
    Corrupt,
}

/// <summary>
/// Per-message compression named by <c>grpc-encoding</c> (grpc/grpc doc/compression.md). This server reads
/// <c>gzip</c> and <c>deflate</c> (zlib format, as gRPC libraries write it) besides <c>identity</c>.
/// </summary>
public static class GrpcMessageEncoding
{
    public const string Identity = "identity";
    public const string Gzip = "gzip";
    public const string Deflate = "deflate";

    /// <summary>The <c>grpc-accept-encoding</c> this server announces.</summary>
    public const string Accepted = "identity,gzip,deflate";

    /// <summary>Whether compressed messages in <paramref name="encoding"/> can be read.</summary>
    public static bool CanDecompress(string encoding) => encoding is Gzip or Deflate;

    /// <summary>Inflates <paramref name="payload"/>, refusing to produce more than <paramref name="maxBytes"/> bytes.</summary>
    public static GrpcDecompressStatus TryDecompress(string encoding, in ReadOnlySequence<byte> payload, int maxBytes, out byte[] message)
    {
        message = [];
        if (!CanDecompress(encoding))
        {
            throw new ArgumentException($"grpc-encoding '{encoding}' cannot be decompressed here", nameof(encoding));
        }

        using var compressed = new MemoryStream(payload.ToArray(), writable: false);
        using Stream inflater = encoding == Gzip
            ? new GZipStream(compressed, CompressionMode.Decompress)
            : new ZLibStream(compressed, CompressionMode.Decompress);
        using var output = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = inflater.Read(chunk, 0, chunk.Length)) > 0)
            {
                if (output.Length + read > maxBytes)
                {
                    return GrpcDecompressStatus.TooLarge;
                }

                output.Write(chunk, 0, read);
            }
        }
        catch (InvalidDataException)
        {
            return GrpcDecompressStatus.Corrupt;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        message = output.ToArray();
        return GrpcDecompressStatus.Ok;
    }
}
