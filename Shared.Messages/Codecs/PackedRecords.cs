using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NerfEngine.Shared.Messages.Records;

namespace NerfEngine.Shared.Messages.Codecs;

/// <summary>
/// Packs arrays of blittable records to little-endian bytes and back. On little-endian hosts
/// (every host we run on) the memory layout is the wire layout, so packing is one memory copy
/// and reading can even be a zero-copy view; big-endian hosts take the field-by-field path.
/// </summary>
internal static class PackedRecords<TRecord, TLayout>
    where TRecord : unmanaged
    where TLayout : IRecordLayout<TRecord>
{
    /// <summary>Bytes needed for <paramref name="count"/> records.</summary>
    public static int ByteCount(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return checked(count * TLayout.Size);
    }

    /// <summary>Packs <paramref name="records"/> into <paramref name="destination"/>; returns bytes written.</summary>
    public static int Write(ReadOnlySpan<TRecord> records, Span<byte> destination)
    {
        Debug.Assert(Unsafe.SizeOf<TRecord>() == TLayout.Size, "record struct must match the header size");
        int byteCount = ByteCount(records.Length);
        if (destination.Length < byteCount)
        {
            throw new ArgumentException(
                $"{records.Length} {TLayout.CName} records need {byteCount} bytes; the destination has {destination.Length}.",
                nameof(destination));
        }

        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(records).CopyTo(destination);
        }
        else
        {
            WritePortable(records, destination);
        }

        return byteCount;
    }

    /// <summary>Number of records in <paramref name="source"/>.</summary>
    /// <exception cref="RecordFormatException">The length is not a whole number of records.</exception>
    public static int CountRecords(ReadOnlySpan<byte> source)
    {
        if (source.Length % TLayout.Size != 0)
        {
            throw new RecordFormatException(
                $"{source.Length} bytes is not a whole number of {TLayout.Size}-byte {TLayout.CName} records.");
        }

        return source.Length / TLayout.Size;
    }

    /// <summary>Unpacks <paramref name="source"/> into <paramref name="destination"/>; returns records read.</summary>
    public static int Read(ReadOnlySpan<byte> source, Span<TRecord> destination)
    {
        int count = CountRecords(source);
        if (destination.Length < count)
        {
            throw new ArgumentException(
                $"{count} {TLayout.CName} records do not fit a destination of {destination.Length}.", nameof(destination));
        }

        if (BitConverter.IsLittleEndian)
        {
            source.CopyTo(MemoryMarshal.AsBytes(destination));
        }
        else
        {
            ReadPortable(source, destination[..count]);
        }

        return count;
    }

    /// <summary>
    /// Views <paramref name="source"/> as records without copying. False on big-endian hosts or
    /// when the length is not a whole number of records; then use <see cref="Read"/>.
    /// </summary>
    public static bool TryView(ReadOnlySpan<byte> source, out ReadOnlySpan<TRecord> records)
    {
        if (!BitConverter.IsLittleEndian || source.Length % TLayout.Size != 0)
        {
            records = default;
            return false;
        }

        records = MemoryMarshal.Cast<byte, TRecord>(source);
        return true;
    }

    /// <summary>Field-by-field little-endian packing, independent of host byte order.</summary>
    internal static void WritePortable(ReadOnlySpan<TRecord> records, Span<byte> destination)
    {
        for (int i = 0; i < records.Length; i++)
        {
            TLayout.Write(in records[i], destination.Slice(i * TLayout.Size, TLayout.Size));
        }
    }

    /// <summary>Field-by-field little-endian unpacking, independent of host byte order.</summary>
    internal static void ReadPortable(ReadOnlySpan<byte> source, Span<TRecord> destination)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = TLayout.Read(source.Slice(i * TLayout.Size, TLayout.Size));
        }
    }
}
