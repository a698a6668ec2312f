using System.Globalization;
using System.Net;
using NerfEngine.Sensor.Flows;
using NerfEngine.Sensor.Parsing;
using NerfEngine.Tests.SensorNode.Support;

namespace NerfEngine.Tests.SensorNode.Pipeline.Lab;

/// <summary>One row of our per-conversation table, whether read from a summary or from <c>replay --json</c>.</summary>
internal sealed record ObservedConversation(
    string Source, string Destination, int SourcePort, int DestinationPort, int Protocol, int IpVersion,
    int Vlan, int InnerVlan, bool Fragments, long PacketsForward, long BytesForward, long PacketsReverse, long BytesReverse)
{
    public static ObservedConversation From(Conversation c) => new(
        c.Source.ToString(), c.Destination.ToString(), c.SourcePort, c.DestinationPort, c.Protocol, c.IpVersion,
        c.OuterVlanId, c.InnerVlanId, c.IsFragments,
        (long)c.Forward.Packets, (long)c.Forward.FrameBytes, (long)c.Reverse.Packets, (long)c.Reverse.FrameBytes);
}

/// <summary>
/// Compares our conversation rows with tshark's tables, conversation by conversation and direction by
/// direction: frames exactly, bytes exactly where tshark prints them exactly and through tshark's own
/// rounding where it prints kB. Our rows are finer (VLAN-aware, one row per fragment set), so they are
/// summed up to tshark's key first: address pair for ip/ipv6, address:port pair for tcp/udp.
/// </summary>
internal sealed class ConversationComparison
{
    private readonly List<string> _mismatches = [];

    public IReadOnlyList<string> Mismatches => _mismatches;

    /// <summary>Conversations compared, per table.</summary>
    public Dictionary<string, int> Compared { get; } = [];

    /// <summary>Byte counts tshark printed exactly (not rounded to kB) and that matched ours to the byte.</summary>
    public int ExactByteMatches { get; private set; }

    /// <summary>Byte counts tshark printed rounded (kB or more).</summary>
    public int RoundedByteMatches { get; private set; }

    public static ConversationComparison Run(string capturePath, IReadOnlyList<ObservedConversation> ours)
    {
        var comparison = new ConversationComparison();
        Dictionary<string, List<TsharkConversation>> tables = TsharkConversationTable.Read(capturePath);
        comparison.Compare("ip", tables["ip"], ours.Where(c => c.IpVersion == 4), withPorts: false);
        comparison.Compare("ipv6", tables["ipv6"], ours.Where(c => c.IpVersion == 6 && !c.Fragments), withPorts: false);
        comparison.Compare("tcp", tables["tcp"], ours.Where(c => c.Protocol == IpProtocols.Tcp && !c.Fragments), withPorts: true);
        comparison.Compare("udp", tables["udp"], ours.Where(c => c.Protocol == IpProtocols.Udp && !c.Fragments), withPorts: true);
        comparison.CompareIpv6Fragments(capturePath, ours.Where(c => c.IpVersion == 6 && c.Fragments));
        return comparison;
    }

    private void Compare(string table, List<TsharkConversation> theirs, IEnumerable<ObservedConversation> ours, bool withPorts)
    {
        var summed = new Dictionary<(string, string), (long Packets, long Bytes)>();
        foreach (ObservedConversation c in ours)
        {
            string source = Endpoint(c.Source, c.SourcePort, withPorts);
            string destination = Endpoint(c.Destination, c.DestinationPort, withPorts);
            Add(summed, (source, destination), c.PacketsForward, c.BytesForward);
            Add(summed, (destination, source), c.PacketsReverse, c.BytesReverse);
        }

        var seen = new HashSet<(string, string)>();
        foreach (TsharkConversation row in theirs)
        {
            string a = Normalise(row.A, withPorts);
            string b = Normalise(row.B, withPorts);
            seen.Add((a, b));
            seen.Add((b, a));
            CheckDirection(table, a, b, row.FramesAToB, row.BytesAToB, summed.GetValueOrDefault((a, b)));
            CheckDirection(table, b, a, row.FramesBToA, row.BytesBToA, summed.GetValueOrDefault((b, a)));
        }

        foreach (((string from, string to), (long packets, long bytes)) in summed)
        {
            if (!seen.Contains((from, to)) && packets > 0)
            {
                _mismatches.Add($"conv,{table}: we have {from} -> {to} ({packets} frames, {bytes} bytes); tshark has no such conversation");
            }
        }

        Compared[table] = theirs.Count;
    }

    private void CheckDirection(string table, string from, string to, long frames, string bytes, (long Packets, long Bytes) ours)
    {
        string formatted = TsharkConversationTable.FormatBytes(ours.Bytes);
        if (frames != ours.Packets || bytes != formatted)
        {
            _mismatches.Add($"conv,{table} {from} -> {to}: tshark {frames} frames / {bytes}, ours {ours.Packets} frames / {ours.Bytes} bytes ({formatted})");
        }
        else if (bytes.EndsWith(" bytes", StringComparison.Ordinal))
        {
            ExactByteMatches++;
        }
        else
        {
            RoundedByteMatches++;
        }
    }

    /// <summary>Non-first IPv6 fragments, which conv,ipv6 leaves out: compared with tshark's per-frame fields instead.</summary>
    private void CompareIpv6Fragments(string capturePath, IEnumerable<ObservedConversation> ours)
    {
        var theirs = new Dictionary<(string, string), (long Packets, long Bytes)>();
        foreach (string[] fields in Tshark.ReadFields(capturePath, "ipv6.src", "ipv6.dst", "ipv6.fraghdr.offset", "frame.len"))
        {
            if (fields.Length == 4 && fields[2].Length > 0 && fields[2].Split(',')[0] != "0")
            {
                Add(theirs, (Normalise(fields[0].Split(',')[0], false), Normalise(fields[1].Split(',')[0], false)),
                    1, long.Parse(fields[3], CultureInfo.InvariantCulture));
            }
        }

        var summed = new Dictionary<(string, string), (long Packets, long Bytes)>();
        foreach (ObservedConversation c in ours)
        {
            Add(summed, (c.Source, c.Destination), c.PacketsForward, c.BytesForward);
            Add(summed, (c.Destination, c.Source), c.PacketsReverse, c.BytesReverse);
        }

        foreach (var key in theirs.Keys.Union(summed.Keys).Where(k => theirs.GetValueOrDefault(k).Packets + summed.GetValueOrDefault(k).Packets > 0))
        {
            if (theirs.GetValueOrDefault(key) != summed.GetValueOrDefault(key))
            {
                _mismatches.Add($"ipv6 non-first fragments {key.Item1} -> {key.Item2}: tshark {theirs.GetValueOrDefault(key)}, ours {summed.GetValueOrDefault(key)}");
            }
            else
            {
                ExactByteMatches++;
            }
        }

        Compared["ipv6-fragments"] = theirs.Count;
    }

    private static void Add(Dictionary<(string, string), (long Packets, long Bytes)> totals, (string, string) key, long packets, long bytes)
    {
        (long p, long b) = totals.GetValueOrDefault(key);
        totals[key] = (p + packets, b + bytes);
    }

    private static string Endpoint(string address, int port, bool withPorts) =>
        withPorts ? $"{IPAddress.Parse(address)}:{port}" : IPAddress.Parse(address).ToString();

    /// <summary>tshark writes "addr:port" for tcp/udp (IPv6 too, unbracketed): split at the last colon.</summary>
    private static string Normalise(string endpoint, bool withPorts)
    {
        if (!withPorts)
        {
            return IPAddress.Parse(endpoint).ToString();
        }

        int colon = endpoint.LastIndexOf(':');
        return Endpoint(endpoint[..colon], int.Parse(endpoint[(colon + 1)..], CultureInfo.InvariantCulture), true);
    }
}
