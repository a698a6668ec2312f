using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace NerfEngine.Shared.Fabric.Persistence;

/// <summary>
/// The one hash of the journal's chain. Each event's hash covers the previous event's hash, so changing,
/// removing or reordering any event breaks every later link (see <see cref="Verification.JournalVerifier"/>).
/// </summary>
/// <remarks>
/// Canonical encoding hashed with SHA-256 (integers big-endian, strings UTF-8, every variable field length-prefixed
/// so no two different events can encode to the same bytes):
/// <code>
///   prev_hash                              32 bytes (all zero for sequence 1)
///   u32 byte length of persistence_id      4 bytes, then the UTF-8 bytes
///   sequence_nr                            i64, 8 bytes
///   u32 byte length of manifest            4 bytes, then the UTF-8 bytes
///   u32 byte length of payload             4 bytes, then the payload bytes
/// </code>
/// Timestamp, tags, global ordering and the deleted flag are row metadata and deliberately not hashed.
/// </remarks>
public static class EventHash
{
    /// <summary>Hash length in bytes (SHA-256).</summary>
    public const int Size = 32;

    /// <summary>Buffers up to this size are built on the stack; larger payloads rent from the pool.</summary>
    private const int StackLimit = 1024;

    /// <summary>Returns a fresh array holding the zero hash that precedes sequence 1.</summary>
    public static byte[] NewZero() => new byte[Size];

    /// <summary>Computes the hash of one event into a new array.</summary>
    public static byte[] Compute(ReadOnlySpan<byte> prevHash, string persistenceId, long sequenceNr, string manifest, ReadOnlySpan<byte> payload)
    {
        var hash = new byte[Size];
        Compute(prevHash, persistenceId, sequenceNr, manifest, payload, hash);
        return hash;
    }

    /// <summary>Computes the hash of one event into <paramref name="destination"/> (at least <see cref="Size"/> bytes).</summary>
    public static void Compute(
        ReadOnlySpan<byte> prevHash, string persistenceId, long sequenceNr, string manifest, ReadOnlySpan<byte> payload, Span<byte> destination)
    {
        if (prevHash.Length != Size)
        {
            throw new ArgumentException($"prev_hash must be {Size} bytes, got {prevHash.Length}.", nameof(prevHash));
        }

        var idLength = Encoding.UTF8.GetByteCount(persistenceId);
        var manifestLength = Encoding.UTF8.GetByteCount(manifest);
        var total = Size + 4 + idLength + 8 + 4 + manifestLength + 4 + payload.Length;
        byte[]? rented = null;
        Span<byte> buffer = total <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(total));
        try
        {
            var span = buffer[..total];
            prevHash.CopyTo(span);
            var at = Size;
            BinaryPrimitives.WriteUInt32BigEndian(span[at..], (uint)idLength);
            at += 4;
            at += Encoding.UTF8.GetBytes(persistenceId, span[at..]);
            BinaryPrimitives.WriteInt64BigEndian(span[at..], sequenceNr);
            at += 8;
            BinaryPrimitives.WriteUInt32BigEndian(span[at..], (uint)manifestLength);
            at += 4;
            at += Encoding.UTF8.GetBytes(manifest, span[at..]);
            BinaryPrimitives.WriteUInt32BigEndian(span[at..], (uint)payload.Length);
            at += 4;
            payload.CopyTo(span[at..]);
            SHA256.HashData(span, destination);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
