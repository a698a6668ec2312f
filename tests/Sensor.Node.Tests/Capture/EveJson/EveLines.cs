namespace NerfEngine.Tests.SensorNode.Capture.EveJson;

/// <summary>
/// Eve lines as Suricata 7 writes them (field order, nesting, number and timestamp formats), for
/// IPv4 and IPv6: flow (TCP, UDP, ICMP), alert, DNS query and answer (v2 and v3), stats and http.
/// </summary>
internal static class EveLines
{
    public const string TcpFlowV4 =
        """{"timestamp":"2024-01-15T10:30:05.654321+0000","flow_id":1234567890123456,"in_iface":"eth0","event_type":"flow","src_ip":"10.0.0.5","src_port":51234,"dest_ip":"93.184.216.34","dest_port":443,"proto":"TCP","app_proto":"tls","flow":{"pkts_toserver":12,"pkts_toclient":10,"bytes_toserver":1820,"bytes_toclient":9876,"start":"2024-01-15T10:30:00.123456+0000","end":"2024-01-15T10:30:05.654321+0000","age":5,"state":"closed","reason":"timeout","alerted":false},"tcp":{"tcp_flags":"1b","tcp_flags_ts":"1b","tcp_flags_tc":"1b","syn":true,"fin":true,"psh":true,"ack":true,"state":"closed"}}""";

    public const string UdpFlowV6 =
        """{"timestamp":"2024-01-15T10:31:00.000100+0000","flow_id":998877665544332,"in_iface":"eth0","event_type":"flow","src_ip":"2001:0db8:0000:0000:0000:0000:0000:0010","src_port":5353,"dest_ip":"2001:db8::53","dest_port":53,"proto":"UDP","app_proto":"dns","flow":{"pkts_toserver":1,"pkts_toclient":1,"bytes_toserver":90,"bytes_toclient":150,"start":"2024-01-15T10:30:59.999900+0000","end":"2024-01-15T10:31:00.000100+0000","age":0,"state":"established","reason":"timeout","alerted":false}}""";

    public const string IcmpFlowV4 =
        """{"timestamp":"2024-01-15T10:31:30.000000+0000","flow_id":112233445566778,"in_iface":"eth0","event_type":"flow","src_ip":"10.0.0.7","dest_ip":"10.0.0.1","proto":"ICMP","icmp_type":8,"icmp_code":0,"response_icmp_type":0,"response_icmp_code":0,"flow":{"pkts_toserver":3,"pkts_toclient":3,"bytes_toserver":294,"bytes_toclient":294,"start":"2024-01-15T10:31:28.000000+0000","end":"2024-01-15T10:31:30.000000+0000","age":2,"state":"established","reason":"timeout","alerted":false}}""";

    public const string SshScanAlertV4 =
        """{"timestamp":"2024-01-15T10:32:11.000456+0000","flow_id":556677889900112,"in_iface":"eth0","event_type":"alert","src_ip":"203.0.113.9","src_port":44321,"dest_ip":"10.0.0.5","dest_port":22,"proto":"TCP","pkt_src":"wire/pcap","alert":{"action":"allowed","gid":1,"signature_id":2001219,"rev":20,"signature":"ET SCAN Potential SSH Scan","category":"Attempted Information Leak","severity":2,"metadata":{"created_at":["2010_07_30"],"updated_at":["2019_07_26"]}},"flow":{"pkts_toserver":1,"pkts_toclient":0,"bytes_toserver":74,"bytes_toclient":0,"start":"2024-01-15T10:32:11.000456+0000","src_ip":"198.51.100.99","dest_ip":"10.9.9.9","src_port":1,"dest_port":2}}""";

    public const string DnsQueryV4 =
        """{"timestamp":"2024-01-15T10:33:00.500000+0000","flow_id":667788990011223,"in_iface":"eth0","event_type":"dns","src_ip":"10.0.0.5","src_port":40000,"dest_ip":"10.0.0.1","dest_port":53,"proto":"UDP","pkt_src":"wire/pcap","dns":{"type":"query","id":4321,"rrname":"example.com","rrtype":"A","tx_id":0,"opcode":0}}""";

    public const string DnsAnswerV4 =
        """{"timestamp":"2024-01-15T10:33:00.512000+0000","flow_id":667788990011223,"in_iface":"eth0","event_type":"dns","src_ip":"10.0.0.1","src_port":53,"dest_ip":"10.0.0.5","dest_port":40000,"proto":"UDP","pkt_src":"wire/pcap","dns":{"version":2,"type":"answer","id":4321,"flags":"8180","qr":true,"rd":true,"ra":true,"opcode":0,"rrname":"example.com","rrtype":"A","rcode":"NOERROR","answers":[{"rrname":"example.com","rrtype":"A","ttl":300,"rdata":"93.184.216.34"}]}}""";

    public const string DnsRequestV6OverTcp =
        """{"timestamp":"2024-01-15T10:33:10.250000+0000","flow_id":778899001122334,"in_iface":"eth0","event_type":"dns","src_ip":"fe80::1","src_port":50000,"dest_ip":"fe80::53","dest_port":53,"proto":"TCP","pkt_src":"wire/pcap","dns":{"version":3,"type":"request","tx_id":1,"id":7,"flags":"100","rd":true,"opcode":0,"rcode":"NOERROR","queries":[{"rrname":"example.org","rrtype":"AAAA"}]}}""";

    public const string Stats =
        """{"timestamp":"2024-01-15T10:34:00.000000+0000","event_type":"stats","stats":{"uptime":120,"capture":{"kernel_packets":1000,"kernel_drops":0,"errors":0},"decoder":{"pkts":1000,"bytes":800000,"ipv4":990,"ipv6":10,"tcp":700,"udp":290}}}""";

    public const string Http =
        """{"timestamp":"2024-01-15T10:34:02.100000+0000","flow_id":889900112233445,"in_iface":"eth0","event_type":"http","src_ip":"10.0.0.5","src_port":51000,"dest_ip":"93.184.216.34","dest_port":80,"proto":"TCP","tx_id":0,"http":{"hostname":"example.com","url":"/index.html","http_user_agent":"curl/8.5.0","http_content_type":"text/html","http_method":"GET","protocol":"HTTP/1.1","status":200,"length":1256}}""";

    /// <summary>Every fixture line, in the order a busy sensor might log them.</summary>
    public static IReadOnlyList<string> All { get; } =
        [TcpFlowV4, UdpFlowV6, IcmpFlowV4, SshScanAlertV4, DnsQueryV4, DnsAnswerV4, DnsRequestV6OverTcp, Stats, Http];

    /// <summary>Unix nanoseconds of an ISO 8601 instant, computed independently with the BCL.</summary>
    public static ulong UnixNs(string iso8601) =>
        (ulong)(DateTimeOffset.Parse(iso8601, System.Globalization.CultureInfo.InvariantCulture).UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;

    /// <summary>A flow line with the given tuple and counters, for generated scenarios.</summary>
    public static string Flow(string src, int srcPort, string dst, int dstPort, string proto, long packets, long bytes, int second) =>
        $$$"""{"timestamp":"2024-01-15T10:40:{{{second:00}}}.000000+0000","event_type":"flow","src_ip":"{{{src}}}","src_port":{{{srcPort}}},"dest_ip":"{{{dst}}}","dest_port":{{{dstPort}}},"proto":"{{{proto}}}","flow":{"pkts_toserver":{{{packets}}},"pkts_toclient":0,"bytes_toserver":{{{bytes}}},"bytes_toclient":0,"start":"2024-01-15T10:40:00.000000+0000","end":"2024-01-15T10:40:{{{second:00}}}.000000+0000"}}""";
}
