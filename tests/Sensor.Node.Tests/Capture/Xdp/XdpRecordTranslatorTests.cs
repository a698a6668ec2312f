using NerfEngine.Sensor.Capture.AfPacket;
using NerfEngine.Sensor.Capture.Xdp;
using NerfEngine.Sensor.Flows;
using NerfEngine.Sensor.Publishing;
using NerfEngine.Shared.Fabric.Transport;
using NerfEngine.Shared.Messages.Records;

namespace NerfEngine.Tests.SensorNode.Capture.Xdp;

/// <summary>Kernel records → published GraphEdges and NodeAddresses, without the kernel.</summary>
public sealed class XdpRecordTranslatorTests : IAsyncDisposable
{
    private const long BootOffsetNs = 1_700_000_000_000_000_000;

    private readonly InProcessEdgeTransport _transport = new();
    private readonly EdgeBatchOutbox _outbox;
    private readonly CapturedEdgeTable _table = new(100);
    private readonly XdpRecordTranslator _translator;

    public XdpRecordTranslatorTests()
    {
        _outbox = new EdgeBatchOutbox(_transport, new PublishingOptions());
        _translator = new XdpRecordTranslator(new EdgeBatcher(new PublishingOptions(), _outbox), _table, new FlowTrackerOptions { SensorId = 7 })
        {
            ClockOffsetNs = BootOffsetNs,
        };
    }

    [Fact]
    public void An_open_announces_both_nodes_once_and_gets_the_epoch_time_and_sensor_id()
    {
        XdpFlowKey key = XdpKeys.For("10.0.0.1", 1234, "10.0.0.2", 80, 6);
        XdpFlowState flow = Flow(key, packets: 1, bytes: 60);
        XdpEdgeEvent open = XdpFlowRecords.Close(in key, in flow);
        open.Edge.Kind = EdgeKind.Open;
        open.Packets = 1;
        open.Bytes = 60;

        _translator.OnEdgeEvent(in open);
        _translator.OnEdgeEvent(in open);

        XdpRecordCounts counts = _translator.GetCounts();
        Assert.Equal((2L, 2L, 0L), (counts.OpenEvents, counts.NodeAddresses, counts.NodeIdMismatches));
        CapturedEdge row = Assert.Single(CapturedEdgeTable.Merge([_table], out _));
        Assert.Equal(("10.0.0.1", "10.0.0.2", 2L, 120L), (row.Source?.ToString(), row.Destination?.ToString(), row.Packets, row.Bytes));
    }

    [Fact]
    public void A_removed_flow_closes_with_everything_after_its_first_packet()
    {
        XdpFlowKey key = XdpKeys.For("10.0.0.2", 80, "10.0.0.1", 1234, 6);
        XdpFlowState flow = Flow(key, packets: 10, bytes: 5000);

        XdpEdgeEvent close = XdpFlowRecords.Close(in key, in flow);

        Assert.Equal((9u, 5000u - 100, EdgeKind.Close), (close.Edge.Packets, close.Edge.Bytes, close.Edge.Kind));
        Assert.Equal((XdpKeys.Node("10.0.0.1"), XdpKeys.Node("10.0.0.2")), (close.Edge.SrcNode, close.Edge.DstNode));
        Assert.Equal([10, 0, 0, 1], ((ReadOnlySpan<byte>)close.SrcAddr)[..4].ToArray());
        Assert.Equal(7u, close.Edge.DurationMs);
    }

    [Fact]
    public void Deltas_beyond_32_bits_are_split_so_the_sums_stay_exact()
    {
        var aggregate = new XdpEdgeAggregate { Packets = 5, Bytes = 2 * (ulong)uint.MaxValue + 10, FirstNs = 1, LastNs = 2, DstNode = 9, Protocol = 6, IpVersion = 4 };
        _translator.OnAggregate(0xABCDEF, in aggregate);

        XdpFlowKey key = XdpKeys.For("10.0.0.1", 1234, "10.0.0.2", 80, 6);
        XdpEdgeEvent close = XdpFlowRecords.Close(in key, Flow(key, packets: 3, bytes: 100));
        close.Bytes = (ulong)uint.MaxValue + 1;
        _translator.OnEdgeEvent(in close);

        XdpRecordCounts counts = _translator.GetCounts();
        Assert.Equal(3, counts.Edges(EdgeKind.Aggregate));
        Assert.Equal(1, counts.Edges(EdgeKind.Tick));
        Assert.Equal(1, counts.Edges(EdgeKind.Close));
        CapturedEdge row = Assert.Single(CapturedEdgeTable.Merge([_table], out _));
        Assert.Equal((long)uint.MaxValue + 1, row.Bytes);
    }

    public async ValueTask DisposeAsync()
    {
        await _outbox.DisposeAsync();
        await _transport.DisposeAsync();
    }

    /// <summary>A flow whose originator is the key's first address argument as <see cref="XdpKeys.For"/> put it.</summary>
    private static XdpFlowState Flow(XdpFlowKey key, ulong packets, ulong bytes)
    {
        bool clientIsA = key.PortB == 80;
        return new XdpFlowState
        {
            SrcNode = XdpKeys.Node("10.0.0.1"),
            DstNode = XdpKeys.Node("10.0.0.2"),
            FirstNs = 1_000_000,
            LastNs = 8_000_000,
            PacketsFwd = packets,
            BytesFwd = bytes,
            OpenBytes = 100,
            State = clientIsA ? 0 : XdpFlowState.OriginatorIsB,
            SrcPort = 1234,
            DstPort = 80,
            Protocol = 6,
            IpVersion = 4,
        };
    }
}
