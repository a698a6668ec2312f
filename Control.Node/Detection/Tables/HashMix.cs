using System.Numerics;
using System.Runtime.CompilerServices;

namespace NerfEngine.Control.Detection.Tables;

/// <summary>
/// 64→32-bit finaliser (the murmur3 fmix64 constants) for table keys. Node ids and edge hashes are
/// FNV-1a outputs already, but keys combine several of them, and FNV's low bits are weak.
/// </summary>
internal static class HashMix
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Mix(ulong x)
    {
        x ^= x >> 33;
        x *= 0xff51afd7ed558ccdUL;
        x ^= x >> 33;
        x *= 0xc4ceb9fe1a85ec53UL;
        x ^= x >> 33;
        return (int)x;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Mix(ulong a, ulong b) => Mix(Combine(a, b));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Mix(ulong a, ulong b, ulong c) => Mix(Combine(a, b, c));

    /// <summary>
    /// Folds two ids into one 64-bit fingerprint (before mixing). For a fixed <paramref name="b"/> it is a
    /// bijection of <paramref name="a"/>, so two pairs collide only when a1 ⊕ a2 equals a 64-bit function
    /// of b1, b2: for FNV node ids about 2^-64 per pair of pairs, the same odds as two addresses sharing
    /// a node id. Tables that key on a fingerprint instead of both ids halve their slot size.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Combine(ulong a, ulong b) => a ^ (BitOperations.RotateLeft(b, 29) * 0x9E3779B97F4A7C15UL);

    /// <summary>Three ids folded into one 64-bit fingerprint (see <see cref="Combine(ulong, ulong)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Combine(ulong a, ulong b, ulong c) =>
        a ^ (BitOperations.RotateLeft(b, 29) * 0x9E3779B97F4A7C15UL) ^ (BitOperations.RotateLeft(c, 47) * 0xD6E8FEB86659FD93UL);
}
