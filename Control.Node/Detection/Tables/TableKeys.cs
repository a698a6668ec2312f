using System.Runtime.CompilerServices;

namespace NerfEngine.Control.Detection.Tables;

/// <summary>One 64-bit id (node id or edge hash) as a table key.</summary>
internal readonly record struct IdKey(ulong Id)
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Equals(IdKey other) => Id == other.Id;

    public override int GetHashCode() => HashMix.Mix(Id);
}

/// <summary>Two 64-bit ids, ordered: (src, dst), (target, src), (edge hash, src)…</summary>
internal readonly record struct PairKey(ulong A, ulong B)
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Equals(PairKey other) => A == other.A && B == other.B;

    public override int GetHashCode() => HashMix.Mix(A, B);
}

/// <summary>Three 64-bit values: (src, dst, port), (src, dst, edge hash)…</summary>
internal readonly record struct TripleKey(ulong A, ulong B, ulong C)
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Equals(TripleKey other) => A == other.A && B == other.B && C == other.C;

    public override int GetHashCode() => HashMix.Mix(A, B, C);
}

/// <summary>An empty value for maps used as sets.</summary>
internal struct NoValue;
