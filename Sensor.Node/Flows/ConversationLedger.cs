using System.Net;

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
/// <remarks>Allocates per new conversation, never per packet; not used on live capture paths.</remarks>
public sealed class ConversationLedger
{
    /// <summary>Default row bound: plenty for a readable report, about 20 MB at most.</summary>
    public const int DefaultMaxConversations = 100_000;

    private readonly Dictionary<FlowKey, Row> _rows = [];
    private readonly List<Row> _order = [];

    /// <summary>Creates an empty ledger.</summary>
    public ConversationLedger(int maxConversations = DefaultMaxConversations)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConversations, 0);
        MaxConversations = maxConversations;
    }

    /// <summary>Most rows kept.</summary>
    public int MaxConversations { get; }

    /// <summary>Rows kept so far.</summary>
    public int Count => _order.Count;

    /// <summary>Conversations not kept because the ledger was full.</summary>
    public long OmittedConversations { get; private set; }

    /// <summary>Packets of flows not kept because the ledger was full.</summary>
    public long OmittedPackets { get; private set; }

    /// <summary>Merges one ended flow into its row.</summary>
    public void Add(in FlowSummary flow)
    {
        FlowKey key = flow.Key.IsFragment ? flow.Key.WithoutFragmentId() : flow.Key;
        if (!_rows.TryGetValue(key, out Row? row))
        {
            if (_order.Count >= MaxConversations)
            {
                OmittedConversations++;
                OmittedPackets += (long)(flow.Forward.Packets + flow.Reverse.Packets);
                return;
            }

            row = new Row(key, flow.OriginatorIsA, flow.FirstSeenNs);
            _rows.Add(key, row);
            _order.Add(row);
        }

        // Totals are kept per canonical side so instances with different originators still add up.
        FlowDirectionTotals fromA = flow.OriginatorIsA ? flow.Forward : flow.Reverse;
        FlowDirectionTotals fromB = flow.OriginatorIsA ? flow.Reverse : flow.Forward;
        row.FromA += fromA;
        row.FromB += fromB;
        row.FirstSeenNs = Math.Min(row.FirstSeenNs, flow.FirstSeenNs);
        row.LastSeenNs = Math.Max(row.LastSeenNs, flow.LastSeenNs);
        row.FlowCount++;
    }

    /// <summary>The rows, ordered by first packet, then by key (deterministic).</summary>
    public IReadOnlyList<Conversation> GetConversations() => _order
        .OrderBy(r => r.FirstSeenNs)
        .ThenBy(r => r.Key.ToString(), StringComparer.Ordinal)
        .Select(r => r.ToConversation())
        .ToArray();

    private sealed class Row(FlowKey key, bool originatorIsA, long firstSeenNs)
    {
        public FlowKey Key { get; } = key;
        public bool OriginatorIsA { get; } = originatorIsA;
        public FlowDirectionTotals FromA { get; set; }
        public FlowDirectionTotals FromB { get; set; }
        public long FirstSeenNs { get; set; } = firstSeenNs;
        public long LastSeenNs { get; set; } = firstSeenNs;
        public int FlowCount { get; set; }

        public Conversation ToConversation() => new(
            Key.GetAddress(OriginatorIsA),
            Key.GetAddress(!OriginatorIsA),
            OriginatorIsA ? Key.PortA : Key.PortB,
            OriginatorIsA ? Key.PortB : Key.PortA,
            Key.Protocol,
            Key.IpVersion,
            Key.OuterVlanId,
            Key.InnerVlanId,
            Key.IsFragment,
            OriginatorIsA ? FromA : FromB,
            OriginatorIsA ? FromB : FromA,
            FirstSeenNs,
            LastSeenNs,
            FlowCount);
    }
}
