namespace NerfEngine.Shared.Messages.Codecs;

/// <summary>
/// The little-endian wire layout of one record, written field by field. Used only where the
/// memory layout is not the wire layout (big-endian hosts) and by tests that prove the
/// memory-copy fast path produces exactly these bytes.
/// </summary>
internal interface IRecordLayout<TRecord>
    where TRecord : unmanaged
{
    /// <summary>Record size in bytes, as sizeof() in bpf/nerf_records.h.</summary>
    static abstract int Size { get; }

    /// <summary>The C struct name, for error messages.</summary>
    static abstract string CName { get; }

    /// <summary>Writes one record little-endian into the first <see cref="Size"/> bytes.</summary>
    static abstract void Write(in TRecord record, Span<byte> destination);

    /// <summary>Reads one record from the first <see cref="Size"/> little-endian bytes.</summary>
    static abstract TRecord Read(ReadOnlySpan<byte> source);
}
