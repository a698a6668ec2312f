using System.Globalization;
using NerfEngine.Sensor.Capture.Files;
using NerfEngine.Sensor.Parsing;
using NerfEngine.Tests.SensorNode.Support;

namespace NerfEngine.Tests.SensorNode.Capture.Files;

/// <summary>Our readers and parser against files written by tcpdump, dumpcap and editcap, with tshark as the referee.</summary>
public sealed class ToolWrittenCaptureTests(ToolWrittenCaptures captures) : IClassFixture<ToolWrittenCaptures>
{
    public static TheoryData<string> Files => new()
    {
        "micro.pcap", "nano.pcap", "snap96.pcap", "two-interfaces.pcapng", "micro.pcapng", "nano.pcapng", "two-sections.pcapng",
    };

    private sealed record OurRecord(int Length, int CapturedLength, long TimestampNanoseconds, int InterfaceId, bool IsTruncated, LinkType LinkType);

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_record_matches_tshark_in_count_lengths_timestamp_and_interface(string file)
    {
        string path = captures.PathOf(file);
        IReadOnlyList<TsharkFrame> expected = Tshark.ReadFrames(path);

        List<OurRecord> actual = ReadAll(path);

        Assert.True(expected.Count > 20, $"{file}: only {expected.Count} packets were captured");
        Assert.Equal(expected.Count, actual.Count);
        var interfaceOf = new Dictionary<(int Section, int Interface), int>();
        for (int i = 0; i < expected.Count; i++)
        {
            TsharkFrame tshark = expected[i];
            Assert.Equal((tshark.Length, tshark.CapturedLength, tshark.TimestampNanoseconds),
                (actual[i].Length, actual[i].CapturedLength, actual[i].TimestampNanoseconds));
            // tshark restarts interface numbers per section; ours run file-wide. Same interfaces, renumbered.
            Assert.Equal(interfaceOf.GetValueOrDefault((tshark.Section, tshark.InterfaceId), actual[i].InterfaceId), actual[i].InterfaceId);
            interfaceOf[(tshark.Section, tshark.InterfaceId)] = actual[i].InterfaceId;
        }
        Assert.Equal(interfaceOf.Count, interfaceOf.Values.Distinct().Count());
        if (interfaceOf.Keys.All(key => key.Section <= 1))
        {
            Assert.All(interfaceOf, pair => Assert.Equal(pair.Key.Interface, pair.Value));
        }
    }

    [Fact]
    public void Tcpdump_files_are_classic_pcap_and_editcap_and_dumpcap_files_are_pcapng()
    {
        Assert.Equal(CaptureFileFormat.Pcap, FormatOf(captures.MicroPcap));
        Assert.Equal(CaptureFileFormat.Pcap, FormatOf(captures.NanoPcap));
        Assert.Equal(CaptureFileFormat.PcapNg, FormatOf(captures.NanoPcapng));
        Assert.Equal(CaptureFileFormat.PcapNg, FormatOf(captures.MultiInterfacePcapng));
    }

    [Fact]
    public void Nanosecond_captures_keep_their_sub_microsecond_digits_through_editcap()
    {
        Assert.Contains(ReadAll(captures.NanoPcap), r => r.TimestampNanoseconds % 1000 != 0);
        Assert.Contains(ReadAll(captures.NanoPcapng), r => r.TimestampNanoseconds % 1000 != 0);
        Assert.All(ReadAll(captures.MicroPcapng), r => Assert.Equal(0, r.TimestampNanoseconds % 1000));
    }

    [Fact]
    public void Snap_length_96_capture_reports_cut_records_whose_headers_still_parse()
    {
        using CaptureFileReader reader = CaptureFileReader.Open(captures.SnapPcap);
        var counters = new ParseCounters();
        int cut = 0;
        while (reader.MoveNext())
        {
            CaptureRecord record = reader.Current;
            Assert.True(record.Data.Length <= 96);
            cut += record.IsTruncated ? 1 : 0;
            ParseOutcome outcome = PacketParser.Parse(record.Data, out ParsedPacket packet, record.OriginalLength, linkType: record.LinkType);
            counters.Record(outcome, packet);
            Assert.Equal(record.IsTruncated && packet.IpVersion != 0, packet.IsTruncatedBySnapLength);
        }

        Assert.True(cut >= 8, $"expected the 3000-byte pings' fragments to be cut, saw {cut} cut records");
        Assert.Equal(0, counters.Errors);
    }

    [Fact]
    public void Dumpcap_capture_of_two_interfaces_numbers_records_by_interface()
    {
        List<OurRecord> records = ReadAll(captures.MultiInterfacePcapng);

        Assert.Equal([0, 1], records.Select(r => r.InterfaceId).Distinct().Order());
    }

    [Fact]
    public void Two_sections_in_one_file_yield_both_sections_records_with_file_wide_interface_numbers()
    {
        int first = ReadAll(captures.MicroPcapng).Count;
        int second = ReadAll(captures.NanoPcapng).Count;

        List<OurRecord> records = ReadAll(captures.TwoSectionPcapng);

        Assert.Equal(first + second, records.Count);
        Assert.All(records.Take(first), r => Assert.Equal(0, r.InterfaceId));
        Assert.All(records.Skip(first), r => Assert.Equal(1, r.InterfaceId));
    }

    [Fact]
    public void Parser_agrees_with_tshark_on_every_packet_of_a_real_capture()
    {
        IReadOnlyList<string[]> rows = Tshark.ReadFields(captures.NanoPcap,
            "vlan.id", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst", "tcp.srcport", "tcp.dstport", "tcp.flags",
            "udp.srcport", "udp.dstport", "icmp.type", "icmpv6.type", "ip.flags.mf", "ip.frag_offset", "ip.id",
            "ipv6.fraghdr.offset", "ipv6.fraghdr.ident", "ieee8021ad.id");
        using CaptureFileReader reader = CaptureFileReader.Open(captures.NanoPcap);
        var counters = new ParseCounters();
        var seen = new HashSet<string>();

        foreach (string[] row in rows)
        {
            Assert.True(reader.MoveNext());
            CaptureRecord record = reader.Current;
            ParseOutcome outcome = PacketParser.Parse(record.Data, out ParsedPacket packet, record.OriginalLength, linkType: record.LinkType);
            counters.Record(outcome, packet);
            string context = $"record at offset {record.FileOffset} ({outcome}): {string.Join(" | ", row)}";
            Assert.True(outcome.IsSuccess(), context);

            // tshark files an 802.1ad service tag under ieee8021ad.id and 802.1Q tags under vlan.id.
            string tsharkVlans = string.Join(',', new[] { row[17], row[0] }.Where(ids => ids.Length > 0));
            Assert.Equal(tsharkVlans, string.Join(',', new[] { packet.OuterVlanId, packet.InnerVlanId }.Take(packet.VlanCount)));
            if (packet.VlanCount > 0) seen.Add($"vlan{packet.VlanCount}");
            if (packet.IpVersion == 4)
            {
                Assert.Equal(First(row[1]), packet.GetSourceIPAddress()!.ToString());
                Assert.Equal(First(row[2]), packet.GetDestinationIPAddress()!.ToString());
                Assert.Equal(First(row[12]) == "1", packet.MoreFragments);
                Assert.Equal(int.Parse(First(row[13]), CultureInfo.InvariantCulture) * 8, packet.FragmentOffset);
                Assert.Equal(Convert.ToUInt32(First(row[14]), 16), packet.FragmentId);
            }
            else if (packet.IpVersion == 6)
            {
                Assert.Equal(First(row[3]), packet.GetSourceIPAddress()!.ToString());
                Assert.Equal(First(row[4]), packet.GetDestinationIPAddress()!.ToString());
                if (row[15].Length > 0 && packet.IsFragment)
                {
                    Assert.Equal(int.Parse(First(row[15]), CultureInfo.InvariantCulture) * 8, packet.FragmentOffset);
                    Assert.Equal(Convert.ToUInt32(First(row[16]), 16), packet.FragmentId);
                }
            }

            if (packet.IsFragment) seen.Add($"fragment-v{packet.IpVersion}-{(packet.IsFirstFragment ? "first" : "later")}");
            if (!packet.HasTransportHeader)
            {
                continue;
            }
            seen.Add($"proto{packet.Protocol}");
            switch (packet.Protocol)
            {
                case IpProtocols.Tcp:
                    Assert.Equal(First(row[5]), packet.SourcePort.ToString(CultureInfo.InvariantCulture));
                    Assert.Equal(First(row[6]), packet.DestinationPort.ToString(CultureInfo.InvariantCulture));
                    Assert.Equal(Convert.ToUInt16(First(row[7]), 16), (ushort)packet.TcpFlags);
                    break;
                case IpProtocols.Udp:
                    Assert.Equal(First(row[8]), packet.SourcePort.ToString(CultureInfo.InvariantCulture));
                    Assert.Equal(First(row[9]), packet.DestinationPort.ToString(CultureInfo.InvariantCulture));
                    break;
                case IpProtocols.Icmp:
                    Assert.Equal(First(row[10]), packet.IcmpType.ToString(CultureInfo.InvariantCulture));
                    break;
                case IpProtocols.Icmpv6:
                    Assert.Equal(First(row[11]), packet.IcmpType.ToString(CultureInfo.InvariantCulture));
                    break;
            }
        }

        Assert.False(reader.MoveNext());
        Assert.Equal(0, counters.Errors);
        Assert.Equal(rows.Count, counters.Total);
        Assert.Superset(new HashSet<string> { "vlan1", "vlan2", "proto6", "proto17", "proto1", "proto58",
            "fragment-v4-first", "fragment-v4-later", "fragment-v6-first", "fragment-v6-later" }, seen);
    }

    private static string First(string aggregated) => aggregated.Split(',')[0];

    private static CaptureFileFormat FormatOf(string path)
    {
        using CaptureFileReader reader = CaptureFileReader.Open(path);
        return reader.Format;
    }

    private static List<OurRecord> ReadAll(string path)
    {
        var records = new List<OurRecord>();
        using CaptureFileReader reader = CaptureFileReader.Open(path);
        while (reader.MoveNext())
        {
            CaptureRecord r = reader.Current;
            records.Add(new OurRecord(r.OriginalLength, r.Data.Length, r.TimestampNanoseconds, r.InterfaceIndex, r.IsTruncated, r.LinkType));
        }
        return records;
    }
}
