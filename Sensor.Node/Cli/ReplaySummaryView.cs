using System.Globalization;
using NerfEngine.Sensor.Flows;
using NerfEngine.Sensor.Parsing;
using NerfEngine.Sensor.Pipeline;
using NerfEngine.Shared.Messages.Records;
using Spectre.Console;

using NerfEngine.Shared.Fabric.Transport;

namespace NerfEngine.Sensor.Cli;

/// <summary>Renders a replay's summary for people: one counters table and the busiest conversations.</summary>
internal static class ReplaySummaryView
{
    /// <summary>Conversations shown in the table (all of them are in <c>--json</c>).</summary>
    public const int ConversationsShown = 20;

    public static void Render(IAnsiConsole console, ReplaySummary summary, SensorTransport transport)
    {
        var counters = new Table().Title("Replay summary").AddColumn("What").AddColumn(new TableColumn("Count").RightAligned());
        Add(counters, "file", Path.GetFileName(summary.Path) + $" ({summary.Format}, {summary.FileLength:N0} bytes)");
        Add(counters, "elapsed / speed", $"{summary.Elapsed.TotalSeconds:F2} s at {summary.Speed}");
        Add(counters, "packets read", summary.PacketsRead);
        foreach (ParseOutcome outcome in Enum.GetValues<ParseOutcome>())
        {
            if (summary.Outcome(outcome) > 0)
            {
                Add(counters, $"  parse: {outcome}", summary.Outcome(outcome));
            }
        }

        Add(counters, "parse errors", summary.Capture.ParseErrors);
        Add(counters, "fragments", summary.Fragments);
        FlowTrackerStats flows = summary.Flows;
        Add(counters, "flows created", flows.FlowsCreated);
        Add(counters, "flows evicted", flows.FlowsEvicted);
        Add(counters, "fragment flows", flows.FragmentFlowsCreated);
        foreach (FlowEndReason reason in Enum.GetValues<FlowEndReason>())
        {
            if (flows.ClosesByReason[(int)reason] > 0)
            {
                Add(counters, $"  close: {reason}", flows.ClosesByReason[(int)reason]);
            }
        }

        Add(counters, "edges OPEN / TICK / CLOSE / AGG",
            $"{flows.Edges(EdgeKind.Open):N0} / {flows.Edges(EdgeKind.Tick):N0} / {flows.Edges(EdgeKind.Close):N0} / {flows.Edges(EdgeKind.Aggregate):N0}");
        Add(counters, "node addresses", flows.NodeAddresses);
        Add(counters, "batches published", summary.Publishing.BatchesPublished);
        Add(counters, "batches_dropped / edges_dropped", $"{summary.Publishing.BatchesDropped:N0} / {summary.Publishing.EdgesDropped:N0}");
        Add(counters, "batches rejected / failed", $"{summary.Publishing.BatchesRejected:N0} / {summary.Publishing.BatchesFailed:N0}");
        EdgePublishCounters sent = transport.Counters;
        Add(counters, "transport", transport.Settings.Describe());
        Add(counters, "transport sent / confirmed / dropped", $"{sent.Published:N0} / {sent.Confirmed:N0} / {sent.Dropped:N0}");
        if (transport.Delivered is { } delivered)
        {
            Add(counters, "edges delivered (in-process)", delivered.Edges);
        }
        console.Write(counters);

        var table = new Table().Title($"Top conversations by bytes ({Math.Min(ConversationsShown, summary.Conversations.Count)} of {summary.Conversations.Count})")
            .AddColumn("Source").AddColumn("Destination").AddColumn("Proto").AddColumn("VLAN")
            .AddColumn(new TableColumn("Pkts →").RightAligned()).AddColumn(new TableColumn("Bytes →").RightAligned())
            .AddColumn(new TableColumn("Pkts ←").RightAligned()).AddColumn(new TableColumn("Bytes ←").RightAligned());
        foreach (Conversation c in summary.Conversations
                     .OrderByDescending(c => c.Forward.FrameBytes + c.Reverse.FrameBytes)
                     .Take(ConversationsShown))
        {
            table.AddRow(
                Markup.Escape(Endpoint(c.Source.ToString(), c.SourcePort, c.Protocol, c.IsFragments)),
                Markup.Escape(Endpoint(c.Destination.ToString(), c.DestinationPort, c.Protocol, c.IsFragments)),
                ProtocolName(c.Protocol) + (c.IsFragments ? " frag" : ""),
                c.OuterVlanId == 0 ? "" : c.InnerVlanId == 0 ? c.OuterVlanId.ToString(CultureInfo.InvariantCulture) : $"{c.OuterVlanId}/{c.InnerVlanId}",
                c.Forward.Packets.ToString("N0", CultureInfo.InvariantCulture),
                c.Forward.FrameBytes.ToString("N0", CultureInfo.InvariantCulture),
                c.Reverse.Packets.ToString("N0", CultureInfo.InvariantCulture),
                c.Reverse.FrameBytes.ToString("N0", CultureInfo.InvariantCulture));
        }

        console.Write(table);
        if (summary.Warning is not null)
        {
            console.MarkupLine($"[yellow]warning:[/] {Markup.Escape(summary.Warning)}");
        }
    }

    private static void Add(Table table, string what, long count) => Add(table, what, count.ToString("N0", CultureInfo.InvariantCulture));

    private static void Add(Table table, string what, string value) => table.AddRow(Markup.Escape(what), Markup.Escape(value));

    /// <summary>"addr:port" for TCP and UDP ("[v6]:port"); just the address otherwise and for fragment rows (no ports).</summary>
    private static string Endpoint(string address, ushort port, byte protocol, bool fragments) =>
        protocol is IpProtocols.Tcp or IpProtocols.Udp && !fragments
            ? (address.Contains(':', StringComparison.Ordinal) ? $"[{address}]:{port}" : $"{address}:{port}")
            : address;

    private static string ProtocolName(byte protocol) => protocol switch
    {
        IpProtocols.Tcp => "TCP",
        IpProtocols.Udp => "UDP",
        IpProtocols.Icmp => "ICMP",
        IpProtocols.Icmpv6 => "ICMPv6",
        _ => protocol.ToString(CultureInfo.InvariantCulture),
    };
}
