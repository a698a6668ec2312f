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
    public static int Mix(ulong a, ulong b) => Mix(a ^ (BitOperations.RotateLeft(b, 29) * 0x9E3779B97F4A7C15UL));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Mix(ulong a, ulong b, ulong c) =>
        Mix(a ^ (BitOperations.RotateLeft(b, 29) * 0x9E3779B97F4A7C15UL) ^ (BitOperations.RotateLeft(c, 47) * 0xD6E8FEB86659FD93UL));
}
