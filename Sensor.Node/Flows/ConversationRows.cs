using System.Runtime.CompilerServices;

namespace NerfEngine.Sensor.Flows;

/// <summary>
/// A ledger's rows in insertion order, in chunks of <see cref="ChunkRows"/> that are added as rows come and never
/// moved: growing copies nothing, and only the memory rows are written to is ever touched.
/// </summary>
internal sealed class ConversationRows
{
    /// <summary>Rows a chunk: 4096 rows of ≈150 bytes, on the large-object heap, which the collector does not move.</summary>
    public const int ChunkRows = 1 << ChunkShift;

    private const int ChunkShift = 12;

    private readonly int _firstChunkRows;

    private ConversationRow[][] _chunks = new ConversationRow[4][];

    /// <param name="maxRows">The most rows that will be appended: a ledger bounded below one chunk allocates only that.</param>
    public ConversationRows(int maxRows) => _firstChunkRows = Math.Clamp(maxRows, 1, ChunkRows);

    /// <summary>Rows appended so far.</summary>
    public int Count { get; private set; }

    /// <summary>Row <paramref name="index"/> (below <see cref="Count"/>).</summary>
    public ref ConversationRow this[int index]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            if ((uint)index >= (uint)Count)
            {
                ThrowOutOfRange(index);
            }

            return ref _chunks[index >> ChunkShift][index & (ChunkRows - 1)];
        }
    }

    /// <summary>Adds a row at index <see cref="Count"/>.</summary>
    public void Append(in ConversationRow row)
    {
        int chunk = Count >> ChunkShift;
        if ((Count & (ChunkRows - 1)) == 0)
        {
            if (chunk == _chunks.Length)
            {
                Array.Resize(ref _chunks, _chunks.Length * 2);
            }

            // Uninitialised: every row below Count is written whole before it is read, and fresh pages stay untouched
            // until a row lands on them.
            _chunks[chunk] = GC.AllocateUninitializedArray<ConversationRow>(chunk == 0 ? _firstChunkRows : ChunkRows);
        }

        _chunks[chunk][Count & (ChunkRows - 1)] = row;
        Count++;
    }

    private static void ThrowOutOfRange(int index) =>
        throw new ArgumentOutOfRangeException(nameof(index), index, "no such conversation row");
}
