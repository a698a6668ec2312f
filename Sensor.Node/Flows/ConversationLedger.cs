using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Runtime.CompilerServices;
using NerfEngine.Sensor.Parsing;

namespace NerfEngine.Sensor.Flows;

/// <summary>
/// One row of a capture summary: every flow instance of one conversation (same key; all non-first
/// fragments of an address pair share one row) merged, oriented by the first instance's originator.
/// </summary>
/// <param name="Source">Originator address.</param>
/// <param name="Destination">Responder address.</param>
/// <param name="SourcePort">Originator port (0 when the protocol has none).</param>
/// <param name="DestinationPort">Responder port.</param>
/// <param name="Protocol">IANA protocol number.</param>
/// <param name="IpVersion">4 or 6.</param>
/// <param name="OuterVlanId">Outer VLAN id (0 when untagged or VLANs are ignored).</param>
/// <param name="InnerVlanId">Inner VLAN id (QinQ).</param>
/// <param name="IsFragments">True for the row of non-first fragments (no ports).</param>
/// <param name="Forward">Sent by <paramref name="Source"/>.</param>
/// <param name="Reverse">Sent by <paramref name="Destination"/>.</param>
/// <param name="FirstSeenNs">First packet (Unix epoch ns).</param>
/// <param name="LastSeenNs">Last packet.</param>
/// <param name="FlowCount">Flow instances merged into the row (restarts after FIN, fragment datagrams …).</param>
public sealed record Conversation(
    IPAddress Source,
    IPAddress Destination,
    ushort SourcePort,
    ushort DestinationPort,
    byte Protocol,
    byte IpVersion,
    ushort OuterVlanId,
    ushort InnerVlanId,
    bool IsFragments,
    FlowDirectionTotals Forward,
    FlowDirectionTotals Reverse,
    long FirstSeenNs,
    long LastSeenNs,
    int FlowCount);

/// <summary>
/// Collects <see cref="FlowSummary"/> records into per-conversation rows for replay summaries
/// (<c>replay --json</c>). Bounded: past <see cref="MaxConversations"/> rows, further conversations are
/// only counted (<see cref="OmittedConversations"/>, <see cref="OmittedPackets"/>), so a huge capture
/// cannot exhaust memory through its summary.
/// </summary>
/// <remarks>Rows are structs in fixed chunks that are added as the ledger fills and never copied (a 2 GB capture has
/// 100,000 conversations: as objects they were as many allocations, promoted through every generation; in one array
/// that doubled, the copies and the fresh memory behind them were half of a replay's page faults); never allocates
/// per packet; not used on live capture paths.</remarks>
public sealed class ConversationLedger
{
    /// <summary>Default row bound: plenty for a readable report, about 20 MB at most.</summary>
    public const int DefaultMaxConversations = 100_000;

    /// <summary>Fixed: the ledger's bucket layout never shows in its output, so no per-run seed is needed.</summary>
    internal const ulong HashSeed = 0x6E65_7266_6C65_6467;

    /// <summary>Rows in insertion order, [0, <see cref="Count"/>), <see cref="ConversationRows.ChunkRows"/> a chunk;
    /// <see cref="_buckets"/> index into them.</summary>
    private readonly ConversationRows _rows;

    /// <summary>
    /// Open addressing (linear probing, load at most one half) from key hash to row: each bucket holds the row index + 1
    /// in its low half (0 = empty) and the upper half of the row's hash as a tag in its high half, so a probe only
    /// reads a row whose tag matches. A hand-rolled index rather than a Dictionary: it runs for every ended flow on the
    /// replay thread, and a Dictionary over this struct key ran unoptimised code for most of a replay (see HotPath).
    /// Rows are never removed, so there are no tombstones.
    /// </summary>
    private ulong[] _buckets = new ulong[1024];

    /// <summary>Creates an empty ledger.</summary>
    public ConversationLedger(int maxConversations = DefaultMaxConversations)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConversations, 0);
        MaxConversations = maxConversations;
        _rows = new ConversationRows(maxConversations);
    }

    /// <summary>Most rows kept.</summary>
    public int MaxConversations { get; }

    /// <summary>Rows kept so far.</summary>
    public int Count => _rows.Count;

    /// <summary>Conversations not kept because the ledger was full.</summary>
    public long OmittedConversations { get; private set; }

    /// <summary>Packets of flows not kept because the ledger was full.</summary>
    public long OmittedPackets { get; private set; }

    /// <summary>Merges one ended flow into its row.</summary>
    [MethodImpl(HotPath.Optimize)]
    public void Add(in FlowSummary flow)
    {
        FlowKey key = flow.Key.IsFragment ? flow.Key.WithoutFragmentId() : flow.Key;
        ulong hash = key.GetHash(HashSeed);
        int mask = _buckets.Length - 1;
        int bucket = (int)hash & mask;
        int found = -1;
        for (ulong entry; (entry = _buckets[bucket]) != 0; bucket = (bucket + 1) & mask)
        {
            if ((entry >> 32) == (hash >> 32))
            {
                int index = (int)(uint)entry - 1;
                if (_rows[index].Key.Equals(key))
                {
                    found = index;
                    break;
                }
            }
        }

        if (found < 0)
        {
            if (Count >= MaxConversations)
            {
                OmittedConversations++;
                OmittedPackets += (long)(flow.Forward.Packets + flow.Reverse.Packets);
                return;
            }

            found = Count;
            _rows.Append(new ConversationRow(key, hash, flow.OriginatorIsA, flow.FirstSeenNs));
            _buckets[bucket] = Bucket(hash, found);
            if (Count * 2 > _buckets.Length)
            {
                Rehash(_buckets.Length * 2);
            }
        }

        ref ConversationRow row = ref _rows[found];

        // Totals are kept per canonical side so instances with different originators still add up.
        FlowDirectionTotals fromA = flow.OriginatorIsA ? flow.Forward : flow.Reverse;
        FlowDirectionTotals fromB = flow.OriginatorIsA ? flow.Reverse : flow.Forward;
        row.FromA += fromA;
        row.FromB += fromB;
        row.FirstSeenNs = Math.Min(row.FirstSeenNs, flow.FirstSeenNs);
        row.LastSeenNs = Math.Max(row.LastSeenNs, flow.LastSeenNs);
        if (row.FlowCount < int.MaxValue)
        {
            // Saturates: past int.MaxValue flows the count would turn negative in the summary.
            row.FlowCount++;
        }
    }

    /// <summary>A bucket naming row <paramref name="index"/>, tagged with its hash's upper half.</summary>
    private static ulong Bucket(ulong hash, int index) => (hash & 0xFFFF_FFFF_0000_0000UL) | (uint)(index + 1);

    private void Rehash(int bucketCount)
    {
        _buckets = new ulong[bucketCount];
        int mask = bucketCount - 1;
        for (int i = 0; i < Count; i++)
        {
            ulong hash = _rows[i].Hash;
            int bucket = (int)hash & mask;
            while (_buckets[bucket] != 0)
            {
                bucket = (bucket + 1) & mask;
            }

            _buckets[bucket] = Bucket(hash, i);
        }
    }

    /// <summary>The rows, ordered by first packet, then by key text (deterministic).</summary>
    /// <remarks>
    /// For the end of a capture, when every flow has been merged: the table is a view of the ledger's rows through an
    /// order of their indexes, not a copy (a copy of 100,000 rows was 15 MB of fresh memory at the end of a replay), so
    /// flows merged afterwards would change its totals, not its order or its rows. A row is added when its conversation's
    /// first flow ends, so rows are in first-packet order only when flows end in the order they began; otherwise the
    /// first-packet times are ordered as plain numbers (<see cref="OrderByTime"/>: linear, about a millisecond for 100k
    /// rows, where a comparison delegate over the rows took ≈60 ms). Only runs of equal times are then sorted
    /// again by key text, formatted for those rows alone, and insertion position, so the order is exactly a stable
    /// OrderBy(first seen)/ThenBy(key text).
    /// </remarks>
    public ConversationTable GetConversations()
    {
        int count = Count;
        var times = new long[count];
        bool ascending = true;
        for (int i = 0; i < count; i++)
        {
            times[i] = _rows[i].FirstSeenNs;
            ascending &= i == 0 || times[i] >= times[i - 1];
        }

        int[] order = ascending ? Enumerable.Range(0, count).ToArray() : OrderByTime(times);
        for (int start = 0; start < count;)
        {
            long time = times[order[start]];
            int end = start + 1;
            while (end < count && times[order[end]] == time)
            {
                end++;
            }

            if (end - start > 1)
            {
                SortTiesByKeyText(order, start, end);
            }

            start = end;
        }

        return new ConversationTable(_rows, order);
    }

    /// <summary>Bits of a time sorted per pass of <see cref="OrderByTime"/>.</summary>
    private const int RadixBits = 16;

    /// <summary>
    /// The indexes of <paramref name="times"/> in time order; stable, so equal times keep their index order. A
    /// least-significant-digit radix sort over the times' offsets from the earliest, 16 bits a pass, as many passes as
    /// the capture's time span needs (three for up to three days): linear in the rows, and precompiled, where
    /// Array.Sort over a key and an item array is compiled at run time for these types.
    /// </summary>
    internal static int[] OrderByTime(ReadOnlySpan<long> times)
    {
        int count = times.Length;
        if (count == 0)
        {
            return [];
        }

        long earliest = long.MaxValue;
        long latest = long.MinValue;
        foreach (long time in times)
        {
            earliest = Math.Min(earliest, time);
            latest = Math.Max(latest, time);
        }

        var offsets = new ulong[count];
        var order = new int[count];
        for (int i = 0; i < count; i++)
        {
            offsets[i] = unchecked((ulong)(times[i] - earliest));
            order[i] = i;
        }

        ulong span = unchecked((ulong)(latest - earliest));
        var sortedOffsets = new ulong[count];
        var sortedOrder = new int[count];
        var starts = new int[1 << RadixBits];
        const int digitMask = (1 << RadixBits) - 1;
        for (int shift = 0; shift < 64 && (span >> shift) != 0; shift += RadixBits)
        {
            Array.Clear(starts);
            foreach (ulong offset in offsets)
            {
                starts[(int)(offset >> shift) & digitMask]++;
            }

            if (starts[(int)(offsets[0] >> shift) & digitMask] == count)
            {
                continue; // every time has this digit: the pass would keep the order as it is
            }

            for (int digit = 0, start = 0; digit < starts.Length; digit++)
            {
                (starts[digit], start) = (start, start + starts[digit]);
            }

            for (int i = 0; i < count; i++)
            {
                int at = starts[(int)(offsets[i] >> shift) & digitMask]++;
                sortedOffsets[at] = offsets[i];
                sortedOrder[at] = order[i];
            }

            (offsets, sortedOffsets) = (sortedOffsets, offsets);
            (order, sortedOrder) = (sortedOrder, order);
        }

        return order;
    }

    /// <summary>Orders rows that started at the same time by key text, then insertion position.</summary>
    private void SortTiesByKeyText(int[] order, int start, int end)
    {
        // Key text only for the rows that tie: formatting every row's key would cost more than the table.
        var keyTexts = new Dictionary<int, string>(end - start);
        for (int i = start; i < end; i++)
        {
            keyTexts[order[i]] = _rows[order[i]].Key.ToString();
        }

        Array.Sort(order, start, end - start, Comparer<int>.Create((a, b) =>
        {
            int byText = string.CompareOrdinal(keyTexts[a], keyTexts[b]);
            return byText != 0 ? byText : a.CompareTo(b);
        }));
    }
}
