using FsCheck;
using FsCheck.Fluent;
using NerfEngine.Sensor.Flows;
using NerfEngine.Sensor.Parsing;
using static NerfEngine.Tests.SensorNode.Support.Frames;

namespace NerfEngine.Tests.SensorNode.Flows;

public sealed class ConversationLedgerTests
{
    /// <summary>An ended UDP flow from 10.(i)/16 port 1000+i to 10.255.0.1:53, first seen at <paramref name="firstSeenNs"/>.</summary>
    private static FlowSummary Flow(int i, long firstSeenNs, ulong packets = 1) =>
        UdpFlow($"10.{(i >> 8) & 0xFF}.{i & 0xFF}.1", firstSeenNs, packets, (ushort)(1000 + (i % 60000)));

    /// <summary>An ended UDP flow from <paramref name="source"/>:<paramref name="sourcePort"/> to 10.255.0.1:53.</summary>
    private static FlowSummary UdpFlow(string source, long firstSeenNs, ulong packets, ushort sourcePort = 1000)
    {
        byte[] frame = Ethernet(EtherTypes.Ipv4, Ipv4(source, "10.255.0.1", IpProtocols.Udp, Udp(sourcePort, 53)));
        Assert.True(PacketParser.Parse(frame, out ParsedPacket packet).IsSuccess());
        FlowKey key = FlowKey.FromPacket(in packet, vlanAware: false, out bool senderIsA);
        var sent = new FlowDirectionTotals(packets, packets * 28, packets * (ulong)frame.Length, TcpFlags.None);
        return new FlowSummary(in key, senderIsA, 1, 2, sent, default, firstSeenNs, firstSeenNs + 10, FlowEndReason.IdleTimeout);
    }

    [Fact]
    public void Rows_past_many_chunks_are_kept_and_merged_by_conversation()
    {
        int conversations = ConversationRows.ChunkRows * 3 + 17;
        var ledger = new ConversationLedger(maxConversations: conversations);
        for (int round = 1; round <= 2; round++)
        {
            for (int i = 0; i < conversations; i++)
            {
                FlowSummary flow = Flow(i, firstSeenNs: i * 1000L + round, packets: (ulong)round);
                ledger.Add(in flow);
            }
        }

        ConversationTable table = ledger.GetConversations();
        Assert.Equal(conversations, table.Count);
        // Every row, the chunk boundaries (4095/4096 …) and the partial last chunk included.
        for (int i = 0; i < conversations; i++)
        {
            Conversation row = table[i];
            Assert.Equal($"10.{(i >> 8) & 0xFF}.{i & 0xFF}.1", row.Source.ToString());
            Assert.Equal(1000 + i, row.SourcePort);
            Assert.Equal(3ul, row.Forward.Packets);
            Assert.Equal(2, row.FlowCount);
            Assert.Equal(i * 1000L + 1, row.FirstSeenNs);
        }
    }

    [Fact]
    public void Keys_whose_hashes_share_the_bucket_and_the_tag_keep_rows_of_their_own()
    {
        // Found by search: these two keys' hashes agree in the upper half (the bucket's tag) and in the bits that pick
        // one of the first 1,024 buckets, so the second probes the first's bucket, sees its tag match and must compare keys.
        FlowSummary first = UdpFlow("10.7.45.99", firstSeenNs: 1, packets: 1);
        FlowSummary second = UdpFlow("10.21.111.140", firstSeenNs: 2, packets: 5);
        ulong firstHash = first.Key.GetHash(ConversationLedger.HashSeed);
        ulong secondHash = second.Key.GetHash(ConversationLedger.HashSeed);
        Assert.Equal(firstHash >> 32, secondHash >> 32);
        Assert.Equal(firstHash & 1023, secondHash & 1023);

        var ledger = new ConversationLedger();
        ledger.Add(in first);
        ledger.Add(in second);
        ledger.Add(in first);

        ConversationTable table = ledger.GetConversations();
        Assert.Equal(2, table.Count);
        Assert.Equal(("10.7.45.99", 2ul, 2), (table[0].Source.ToString(), table[0].Forward.Packets, table[0].FlowCount));
        Assert.Equal(("10.21.111.140", 5ul, 1), (table[1].Source.ToString(), table[1].Forward.Packets, table[1].FlowCount));
    }

    [Fact]
    public void Rows_that_arrived_out_of_time_order_across_chunks_come_out_in_time_order()
    {
        int conversations = ConversationRows.ChunkRows + 100;
        var ledger = new ConversationLedger();
        for (int i = 0; i < conversations; i++)
        {
            // Conversation i first seen at (conversations - i) µs: the last to arrive is the earliest.
            FlowSummary flow = Flow(i, firstSeenNs: (conversations - i) * 1000L);
            ledger.Add(in flow);
        }

        ConversationTable table = ledger.GetConversations();
        Assert.Equal(conversations, table.Count);
        for (int position = 0; position < conversations; position++)
        {
            Assert.Equal((position + 1) * 1000L, table[position].FirstSeenNs);
            Assert.Equal(1000 + (conversations - 1 - position), table[position].SourcePort);
        }
    }

    [Fact]
    public void Rows_are_ordered_by_first_packet_then_key_text_then_arrival()
    {
        var ledger = new ConversationLedger();
        // Arrival order 0..4; first-seen times out of order, with a tie between conversations 3, 1 and 4.
        long[] firstSeen = [50, 20, 10, 20, 20];
        int[] ids = [7, 3, 9, 2, 12];
        for (int i = 0; i < ids.Length; i++)
        {
            FlowSummary flow = Flow(ids[i], firstSeen[i]);
            ledger.Add(in flow);
        }

        // Tied at 20: 10.0.12.1, 10.0.2.1, 10.0.3.1 by key text (ordinal: "12" < "2" < "3").
        Assert.Equal(["10.0.9.1", "10.0.12.1", "10.0.2.1", "10.0.3.1", "10.0.7.1"],
            ledger.GetConversations().Select(c => c.Source.ToString()));
    }

    [Fact]
    public void Conversations_past_the_bound_are_counted_not_kept()
    {
        var ledger = new ConversationLedger(maxConversations: 2);
        for (int i = 0; i < 5; i++)
        {
            FlowSummary flow = Flow(i, i, packets: 4);
            ledger.Add(in flow);
        }

        FlowSummary again = Flow(1, 9);
        ledger.Add(in again);
        Assert.Equal(2, ledger.GetConversations().Count);
        Assert.Equal(3, ledger.OmittedConversations);
        Assert.Equal(12, ledger.OmittedPackets);
        Assert.Equal(5ul, ledger.GetConversations()[1].Forward.Packets);
    }

    [Theory]
    [InlineData(new long[0])]
    [InlineData(new long[] { 42 })]
    [InlineData(new long[] { 5, 5, 5 })]
    [InlineData(new long[] { long.MaxValue, long.MinValue, 0, -1, 1, long.MinValue, long.MaxValue })]
    [InlineData(new long[] { 1_700_000_000_000_065_536, 1_700_000_000_000_000_000, 1_700_000_000_000_065_535, 1_700_000_000_000_000_001 })]
    public void Times_are_ordered_as_a_stable_sort_orders_them(long[] times) =>
        Assert.Equal(StableOrder(times), ConversationLedger.OrderByTime(times));

    [Fact]
    public void Any_times_are_ordered_as_a_stable_sort_orders_them()
    {
        // Times clustered like a capture's (a base, then offsets of any width) with ties, so every pass and every tie counts.
        Gen<long[]> captures =
            from baseNs in Gen.Choose(0, int.MaxValue)
            from width in Gen.Choose(0, 62)
            from offsets in Gen.Choose(0, int.MaxValue).Zip(Gen.Choose(0, 7)).ArrayOf()
            select offsets.Select(o => ((long)baseNs << 30) + ((((long)o.Item1 << 31) | (uint)o.Item1) >> (62 - width)) * (o.Item2 == 0 ? 0 : 1)).ToArray();

        Prop.ForAll(captures.ToArbitrary(), times => StableOrder(times).SequenceEqual(ConversationLedger.OrderByTime(times)))
            .QuickCheckThrowOnFailure();
    }

    private static int[] StableOrder(long[] times) => Enumerable.Range(0, times.Length).OrderBy(i => times[i]).ToArray();
}
