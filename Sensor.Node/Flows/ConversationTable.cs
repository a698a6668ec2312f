using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace NerfEngine.Sensor.Flows;

/// <summary>
/// The rows of a <see cref="ConversationLedger"/> in summary order, as <see cref="Conversation"/> records made on
/// demand. A 2 GB capture has 100,000 conversations: made all at once, their records and addresses were 300,000
/// objects that lived to the end of the run (every one copied by the collector on its way to an older generation),
/// only to be formatted once. <c>replay --json</c> formats the rows themselves (<see cref="RowAt"/>).
/// </summary>
public sealed class ConversationTable : IReadOnlyList<Conversation>
{
    private readonly ConversationRows _rows;

    /// <summary>Row index of each position in summary order.</summary>
    private readonly int[] _order;

    internal ConversationTable(ConversationRows rows, int[] order)
    {
        _rows = rows;
        _order = order;
    }

    /// <inheritdoc />
    public int Count => _order.Length;

    /// <inheritdoc />
    public Conversation this[int index] => RowAt(index).ToConversation();

    /// <summary>The row at <paramref name="position"/> in summary order, for writers that format rows without making records.</summary>
    internal ref readonly ConversationRow RowAt(int position) => ref _rows[_order[position]];

    /// <summary>
    /// Asks for the cache lines of the row at <paramref name="position"/> (a hint: it never faults), for a writer going
    /// through the table in order. Summary order jumps across the ledger's megabytes of rows, and without it formatting
    /// a row began with a wait for memory.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal unsafe void Prefetch(int position)
    {
        if (Sse.IsSupported && (uint)position < (uint)_order.Length)
        {
            // Every line the row touches: rows are not line-aligned, so one may start late in a line and spill into one more.
            byte* row = (byte*)Unsafe.AsPointer(ref _rows[_order[position]]);
            for (nuint line = (nuint)row & ~(nuint)63; line < (nuint)(row + sizeof(ConversationRow)); line += 64)
            {
                Sse.Prefetch0((void*)line);
            }
        }
    }

    /// <inheritdoc />
    public IEnumerator<Conversation> GetEnumerator()
    {
        for (int i = 0; i < Count; i++)
        {
            yield return RowAt(i).ToConversation();
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>
/// One row of a <see cref="ConversationLedger"/>: the conversation's key, its totals per canonical side and its
/// first and last packet; oriented by the first flow instance's originator, as <see cref="Conversation"/> is.
/// </summary>
internal struct ConversationRow(FlowKey key, ulong hash, bool originatorIsA, long firstSeenNs)
{
    public readonly FlowKey Key = key;
    public readonly ulong Hash = hash;
    public readonly bool OriginatorIsA = originatorIsA;
    public FlowDirectionTotals FromA;
    public FlowDirectionTotals FromB;
    public long FirstSeenNs = firstSeenNs;
    public long LastSeenNs = firstSeenNs;
    public int FlowCount;

    /// <summary>The originator's address bytes (network order; 4 or 16).</summary>
    [UnscopedRef]
    public readonly ReadOnlySpan<byte> SourceAddress => OriginatorIsA ? Key.AddressA : Key.AddressB;

    /// <summary>The responder's address bytes.</summary>
    [UnscopedRef]
    public readonly ReadOnlySpan<byte> DestinationAddress => OriginatorIsA ? Key.AddressB : Key.AddressA;

    public readonly ushort SourcePort => OriginatorIsA ? Key.PortA : Key.PortB;

    public readonly ushort DestinationPort => OriginatorIsA ? Key.PortB : Key.PortA;

    /// <summary>Sent by the originator.</summary>
    public readonly FlowDirectionTotals Forward => OriginatorIsA ? FromA : FromB;

    /// <summary>Sent by the responder.</summary>
    public readonly FlowDirectionTotals Reverse => OriginatorIsA ? FromB : FromA;

    public readonly Conversation ToConversation() => new(
        Key.GetAddress(OriginatorIsA),
        Key.GetAddress(!OriginatorIsA),
        SourcePort,
        DestinationPort,
        Key.Protocol,
        Key.IpVersion,
        Key.OuterVlanId,
        Key.InnerVlanId,
        Key.IsFragment,
        Forward,
        Reverse,
        FirstSeenNs,
        LastSeenNs,
        FlowCount);
}
