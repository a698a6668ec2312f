using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NerfEngine.Control.Detection.Tables;

/// <summary>
/// Pinned, cache-line aligned storage for the slots of the detector tables. A 16-, 32- or 64-byte
/// slot at a line-aligned base never straddles two lines, so a probe costs one line and one
/// prefetch covers it; a managed array only guarantees 8-byte alignment, which splits most
/// 40- or 56-byte entries across two lines.
/// </summary>
internal static unsafe class CacheLineMemory
{
    public const int LineSize = 64;

    /// <summary>
    /// Allocates <paramref name="count"/> zeroed elements on the pinned object heap and returns the
    /// array to keep referenced; <paramref name="first"/> points at the first, line-aligned element
    /// and stays valid for as long as the array is referenced (pinned memory never moves).
    /// </summary>
    public static byte[] Allocate<T>(int count, out T* first) where T : unmanaged
    {
        byte[] memory = GC.AllocateArray<byte>(checked(count * sizeof(T) + LineSize), pinned: true);
        nuint start = (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(memory));
        first = (T*)((start + LineSize - 1) & ~(nuint)(LineSize - 1));
        return memory;
    }
}
