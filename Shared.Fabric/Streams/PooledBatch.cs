using System.Buffers;
using System.Runtime.CompilerServices;

namespace NerfEngine.Shared.Fabric.Streams;

/// <summary>
/// One batch from <see cref="GroupedWithinExtensions"/>: <see cref="Count"/> items in an array rented
/// from an <see cref="ArrayPool{T}"/>. Dispose it when done so the array goes back to the pool; the
/// items must not be used after that.
/// </summary>
/// <remarks>
/// A class rather than a struct on purpose: a copied struct could return the same array twice and
/// hand one buffer to two renters. One small object per batch (thousands of items) is the price.
/// </remarks>
public sealed class PooledBatch<T> : IDisposable
{
    private readonly ArrayPool<T> _pool;

    /// <summary>The rented array; null once returned. Only the first Dispose returns it.</summary>
    private T[]? _array;

    internal PooledBatch(T[] array, int count, ArrayPool<T> pool)
    {
        _array = array;
        _pool = pool;
        Count = count;
    }

    /// <summary>Items in the batch (at least 1).</summary>
    public int Count { get; }

    /// <summary>The items.</summary>
    public ReadOnlySpan<T> Span => new(Array, 0, Count);

    /// <summary>The items, for async consumers that cannot hold a span.</summary>
    public ReadOnlyMemory<T> Memory => new(Array, 0, Count);

    /// <summary>The items as a segment of the rented array (which may be longer than <see cref="Count"/>).</summary>
    public ArraySegment<T> Segment => new(Array, 0, Count);

    private T[] Array => _array ?? throw new ObjectDisposedException(nameof(PooledBatch<T>), "The batch's array was returned to the pool.");

    /// <summary>Returns the array to the pool. Safe to call more than once.</summary>
    public void Dispose()
    {
        T[]? array = Interlocked.Exchange(ref _array, null);
        if (array is not null)
        {
            // Clear only arrays that hold references, so the pool does not keep objects alive.
            _pool.Return(array, clearArray: RuntimeHelpers.IsReferenceOrContainsReferences<T>());
        }
    }
}
