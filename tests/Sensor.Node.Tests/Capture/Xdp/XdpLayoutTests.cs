using System.Runtime.CompilerServices;
using NerfEngine.Sensor.Capture.Native;
using NerfEngine.Sensor.Capture.Xdp;
using static NerfEngine.Tests.SensorNode.Capture.Xdp.XdpHeaderProbe;

namespace NerfEngine.Tests.SensorNode.Capture.Xdp;

/// <summary>
/// Every struct that crosses the kernel boundary (bpf/xdp_edges.h) and every libbpf option struct the loader
/// passes has the same size and field offsets in C and C#, and the constants C# repeats equal the header's.
/// </summary>
public sealed class XdpLayoutTests
{
    private static readonly Mirror[] Mirrors =
    [
        Pascal("nerf_flow_key", typeof(XdpFlowKey)),
        Pascal("nerf_flow_state", typeof(XdpFlowState)),
        Pascal("nerf_edge_agg", typeof(XdpEdgeAggregate)),
        Pascal("nerf_agg_control", typeof(XdpAggControl)),
        Pascal("nerf_edge_event", typeof(XdpEdgeEvent)),
        Pascal("nerf_flow_end", typeof(XdpFlowEnd)),
        Pascal("nerf_xdp_counters", typeof(XdpCountersNative)),
        new("bpf_test_run_opts", typeof(BpfTestRunOptions), new Dictionary<string, string>
        {
            ["Size"] = "sz", ["DataIn"] = "data_in", ["DataOut"] = "data_out", ["DataSizeIn"] = "data_size_in",
            ["DataSizeOut"] = "data_size_out", ["ContextIn"] = "ctx_in", ["ContextOut"] = "ctx_out",
            ["ContextSizeIn"] = "ctx_size_in", ["ContextSizeOut"] = "ctx_size_out", ["ReturnValue"] = "retval",
            ["Repeat"] = "repeat", ["Duration"] = "duration", ["Flags"] = "flags", ["Cpu"] = "cpu", ["BatchSize"] = "batch_size",
        }),
        new("bpf_map_batch_opts", typeof(BpfMapBatchOptions), new Dictionary<string, string>
        {
            ["Size"] = "sz", ["ElementFlags"] = "elem_flags", ["Flags"] = "flags",
        }),
        new("bpf_link_create_opts", typeof(BpfLinkCreateOptions), new Dictionary<string, string>
        {
            ["Size"] = "sz", ["Flags"] = "flags",
        }),
        new("bpf_xdp_query_opts", typeof(BpfXdpQueryOptions), new Dictionary<string, string>
        {
            ["Size"] = "sz", ["ProgramId"] = "prog_id", ["DriverProgramId"] = "drv_prog_id",
            ["HardwareProgramId"] = "hw_prog_id", ["SkbProgramId"] = "skb_prog_id", ["AttachMode"] = "attach_mode",
        }),
    ];

    private static readonly Dictionary<string, long> Constants = new()
    {
        ["BPF_XDP"] = LibBpf.AttachTypeXdp,
        ["XDP_FLAGS_SKB_MODE"] = LibBpf.XdpFlagsSkbMode,
        ["XDP_FLAGS_DRV_MODE"] = LibBpf.XdpFlagsDriverMode,
        ["NERF_XDP_FLOW_ENTRIES"] = XdpCaptureOptions.DefaultFlowTableEntries,
        ["NERF_XDP_EDGE_AGG_ENTRIES"] = XdpCaptureOptions.DefaultEdgeAggregateEntries,
        ["NERF_XDP_EDGE_RING_BYTES"] = XdpCaptureOptions.DefaultEdgeRingBytes,
        ["NERF_XDP_FLOW_RING_BYTES"] = XdpCaptureOptions.DefaultFlowRingBytes,
        ["NERF_XDP_COUNTER_COUNT"] = XdpCountersNative.Count,
        ["NERF_XDP_PACKETS"] = (long)XdpCounter.Packets,
        ["NERF_XDP_IP_PACKETS"] = (long)XdpCounter.IpPackets,
        ["NERF_XDP_NON_IP"] = (long)XdpCounter.NonIp,
        ["NERF_XDP_PARSE_ERRORS"] = (long)XdpCounter.ParseErrors,
        ["NERF_XDP_FRAGMENTS"] = (long)XdpCounter.Fragments,
        ["NERF_XDP_IP_BYTES"] = (long)XdpCounter.IpBytes,
        ["NERF_XDP_FLOWS_CREATED"] = (long)XdpCounter.FlowsCreated,
        ["NERF_XDP_FLOW_TABLE_FAILURES"] = (long)XdpCounter.FlowTableFailures,
        ["NERF_XDP_AGG_FAILURES"] = (long)XdpCounter.AggregateFailures,
        ["NERF_XDP_EDGE_RING_FULL"] = (long)XdpCounter.EdgeRingFull,
        ["NERF_XDP_FLOW_RING_FULL"] = (long)XdpCounter.FlowRingFull,
        ["NERF_FLOW_ORIGINATOR_IS_B"] = XdpFlowState.OriginatorIsB,
        ["NERF_FLOW_END_FIN"] = (long)XdpFlowEndReason.TcpFin,
        ["NERF_FLOW_END_RST"] = (long)XdpFlowEndReason.TcpRst,
        ["NERF_FLOW_END_FRAGMENTS"] = (long)XdpFlowEndReason.FragmentComplete,
        ["NERF_FLOW_END_REORIENTED"] = (long)XdpFlowEndReason.Reoriented,
        ["NERF_FLOW_END_IDLE"] = (long)XdpFlowEndReason.IdleTimeout,
        ["NERF_FLOW_END_CAPTURE"] = (long)XdpFlowEndReason.EndOfCapture,
    };

    private static readonly Lazy<Dictionary<string, long>> C = new(() => Measure(Mirrors, Constants.Keys));

    public static TheoryData<string> Structs() => [.. Mirrors.Select(mirror => mirror.CStruct)];

    [Theory]
    [MemberData(nameof(Structs))]
    public void The_CSharp_mirror_has_the_C_size_and_field_offsets(string cStruct)
    {
        Mirror mirror = Mirrors.Single(m => m.CStruct == cStruct);
        Assert.Equal(C.Value[$"sizeof({cStruct})"], SizeOf(mirror.Type));
        foreach ((string field, string cField) in mirror.Fields)
        {
            Assert.True(C.Value[$"{cStruct}.{cField}"] == OffsetOf(mirror.Type, field), $"{cStruct}.{cField}: C offset {C.Value[$"{cStruct}.{cField}"]}, C# {field} at {OffsetOf(mirror.Type, field)}");
        }
    }

    [Fact]
    public void Every_constant_repeated_in_CSharp_equals_the_headers()
    {
        foreach ((string name, long value) in Constants)
        {
            Assert.True(C.Value[name] == value, $"{name}: C {C.Value[name]}, C# {value}");
        }
    }

    [Fact]
    public void The_record_sizes_CSharp_declares_are_the_C_sizes()
    {
        Assert.Equal(XdpFlowKey.Size, C.Value["sizeof(nerf_flow_key)"]);
        Assert.Equal(XdpFlowState.Size, C.Value["sizeof(nerf_flow_state)"]);
        Assert.Equal(XdpEdgeAggregate.Size, C.Value["sizeof(nerf_edge_agg)"]);
        Assert.Equal(XdpAggControl.Size, C.Value["sizeof(nerf_agg_control)"]);
        Assert.Equal(XdpEdgeEvent.Size, C.Value["sizeof(nerf_edge_event)"]);
        Assert.Equal(XdpFlowEnd.Size, C.Value["sizeof(nerf_flow_end)"]);
        Assert.Equal(XdpCountersNative.Size, C.Value["sizeof(nerf_xdp_counters)"]);
    }

    private static long SizeOf(Type type) =>
        (int)typeof(Unsafe).GetMethod(nameof(Unsafe.SizeOf))!.MakeGenericMethod(type).Invoke(null, null)!;
}
