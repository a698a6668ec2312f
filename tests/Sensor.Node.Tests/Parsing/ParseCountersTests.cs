using NerfEngine.Sensor.Parsing;
using NerfEngine.Tests.SensorNode.Support;
using static NerfEngine.Tests.SensorNode.Support.Frames;

namespace NerfEngine.Tests.SensorNode.Parsing;

public sealed class ParseCountersTests
{
    [Fact]
    public void Outcome_values_are_contiguous_from_zero_so_they_can_index_the_counter_array()
    {
        ParseOutcome[] values = Enum.GetValues<ParseOutcome>();

        Assert.Equal(ParseOutcomes.Count, values.Length);
        Assert.Equal(Enumerable.Range(0, values.Length), values.Select(v => (int)v));
    }

    [Fact]
    public void Mixed_traffic_splits_into_successes_errors_and_a_fragment_tally()
    {
        var counters = new ParseCounters();
        byte[][] frames =
        [
            .. FrameCorpus.ValidFrames,
            new byte[5],
            Ethernet(EtherTypes.Ipv4, new byte[10]),
        ];

        foreach (byte[] frame in frames)
        {
            counters.Record(PacketParser.Parse(frame, out ParsedPacket packet), packet);
        }

        Assert.Equal(frames.Length, counters.Total);
        Assert.Equal(2, counters.Errors);
        Assert.Equal(1, counters[ParseOutcome.TruncatedEthernet]);
        Assert.Equal(1, counters[ParseOutcome.TruncatedIpv4]);
        Assert.Equal(1, counters[ParseOutcome.NonIp]);
        Assert.Equal(3, counters.Fragments); // the v4 first and non-first fragments and the v6 first fragment
    }

    [Fact]
    public void Counters_from_fan_out_workers_merge_by_outcome()
    {
        var first = new ParseCounters();
        var second = new ParseCounters();
        first.Record(ParseOutcome.Ipv4, default);
        second.Record(ParseOutcome.Ipv4, default);
        second.Record(ParseOutcome.BadTcpHeader, default);

        first.Add(second);

        Assert.Equal(2, first[ParseOutcome.Ipv4]);
        Assert.Equal(1, first[ParseOutcome.BadTcpHeader]);
        Assert.Equal(3, first.Total);
    }
}
