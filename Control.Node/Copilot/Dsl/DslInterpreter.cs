using System.Globalization;
using System.Text.Json.Nodes;
using NerfEngine.Control.Autopilot;
using NerfEngine.Control.Detection.Graph;
using NerfEngine.Control.Engine;

namespace NerfEngine.Control.Copilot.Dsl;

/// <summary>
/// Runs one DSL step against an <see cref="EngineCore"/> — on the engine's thread, so it reads
/// the graph directly. Every step works on the session's working set: the graph's edges (heaviest
/// first, at most <see cref="CopilotOptions.MaxEdgesPerStep"/>) last seen inside the window and
/// passing every filter. A step that cannot run (no focus yet) fails with a reason, never throws.
/// </summary>
public sealed class DslInterpreter(CopilotOptions options)
{
    private readonly long _bucketNs = (long)(options.SyncBucket.TotalMilliseconds * 1_000_000);

    /// <summary>Runs <paramref name="step"/> and updates <paramref name="session"/>.</summary>
    public DslStepResult Run(EngineCore core, InvestigationSession session, DslStep step)
    {
        string text = step.ToString();
        try
        {
            return step.Verb switch
            {
                DslVerb.Focus => Focus(core, session, step, text),
                DslVerb.Window => Window(core, session, step, text),
                DslVerb.Filter => Filter(session, step, text),
                DslVerb.Analyze => Analyze(core, session, step.Args[0], text),
                DslVerb.Cluster => Cluster(core, session, step.Args[0], text),
                DslVerb.Trace => Trace(core, session, int.Parse(step.Args[0], CultureInfo.InvariantCulture), text),
                DslVerb.Expand => Expand(core, session, int.Parse(step.Args[0], CultureInfo.InvariantCulture), text),
                DslVerb.Summarize => Summarize(core, session, text),
                _ => Assess(session, text),
            };
        }
        catch (InvalidOperationException ex)
        {
            return new DslStepResult(text, false, ex.Message, []);
        }
    }

    private static DslStepResult Focus(EngineCore core, InvestigationSession session, DslStep step, string text)
    {
        DslParser.TryResolveNode(step.Args[0], out ulong node);
        session.FocusNode = node;
        session.FocusLabel = step.Args[0];
        var neighbours = core.Graph.Neighbors(node);
        var (inEdges, outEdges) = core.Graph.Degree(node);
        string role = RoleOf(inEdges, outEdges);
        var data = Node(core, node);
        data["class"] = core.Directory.Classify(node).ToString().ToLowerInvariant();
        data["neighbours"] = neighbours.Count;
        data["out_edges"] = outEdges;
        data["in_edges"] = inEdges;
        data["role"] = role;
        string known = neighbours.Count == 0 ? " (not in the graph)" : $" ({role}: {outEdges} edges out, {inEdges} in)";
        return new DslStepResult(text, true, $"focus {Describe(core, node)}{known}: {neighbours.Count} neighbours", data);
    }

    /// <summary>
    /// "source" when the node sends on more edges than it receives, "destination" for the reverse, "mixed" when equal,
    /// "unknown" outside the graph: which analyses say something about it (<see cref="DslVerb.Analyze"/>).
    /// </summary>
    public static string RoleOf(int inEdges, int outEdges) =>
        inEdges == 0 && outEdges == 0 ? "unknown" : outEdges > inEdges ? "source" : inEdges > outEdges ? "destination" : "mixed";

    private static DslStepResult Window(EngineCore core, InvestigationSession session, DslStep step, string text)
    {
        session.WindowDuration = null;
        session.WindowSinceNs = null;
        if (step.Args[0] == "since")
        {
            DslParser.TryParseInstant(step.Args[1], out long since);
            session.WindowSinceNs = since;
        }
        else if (step.Args[0] != "all")
        {
            DslParser.TryParseDuration(step.Args[0], out TimeSpan d);
            session.WindowDuration = d;
        }

        long start = session.WindowStartNs(core.NowNs);
        var data = new JsonObject { ["start_ns"] = start == long.MinValue ? null : start, ["now_ns"] = core.NowNs };
        return new DslStepResult(text, true, $"window {session.Describe()["window"]}", data);
    }

    private static DslStepResult Filter(InvestigationSession session, DslStep step, string text)
    {
        if (step.Args[0] == "clear")
        {
            session.Filters.Clear();
        }
        else
        {
            session.Filters.Add(new DslFilter(step.Args[0], step.Args[1], double.Parse(step.Args[2], CultureInfo.InvariantCulture)));
        }

        return new DslStepResult(text, true, $"filters: {(session.Filters.Count == 0 ? "none" : string.Join(", ", session.Filters))}", session.Describe());
    }

    private DslStepResult Analyze(EngineCore core, InvestigationSession session, string metric, string text)
    {
        ulong focus = RequireFocus(session, "ANALYZE " + metric);
        var edges = WorkingSet(core, session);
        var inbound = edges.Where(e => e.Key.Dst == focus).ToList();
        var data = new JsonObject { ["metric"] = metric };
        double value;
        string summary;
        switch (metric)
        {
            case "fanin":
                var sources = inbound.Select(e => e.Key.Src).Distinct().ToList();
                value = sources.Count;
                data["sources"] = Nodes(core, sources);
                data["services"] = Services(core, focus); // the sensors' per-window aggregates of the focus's services
                summary = $"fan-in {value} distinct sources → {Describe(core, focus)}";
                break;
            case "fanout":
            case "port_spread":
                var spread = Spread(edges.Where(e => e.Key.Src == focus).ToList());
                data["distinct_destinations"] = spread.Destinations.Count;
                data["distinct_ports"] = spread.Ports.Count;
                data["services"] = spread.Services;
                data["probe_services"] = spread.ProbeServices;
                data["probe_share"] = spread.ProbeShare;
                data["probe_packet_limit"] = options.ProbePacketLimit;
                session.Evidence["probe_share"] = spread.ProbeShare;
                if (metric == "fanout")
                {
                    value = spread.Destinations.Count;
                    data["destinations"] = Nodes(core, spread.Destinations.Take(options.MaxResultRows));
                    summary = $"fan-out {value} distinct destinations from {Describe(core, focus)} on {spread.Ports.Count} ports " +
                        $"({spread.Services} services, {spread.ProbeShare:P0} probes only)";
                }
                else
                {
                    value = spread.Ports.Count;
                    data["most_ports_on_one_destination"] = spread.MostPortsOnOne;
                    data["ports"] = new JsonArray(spread.Ports.Order().Take(options.MaxResultRows).Select(p => (JsonNode?)p).ToArray());
                    summary = $"port spread {value} distinct destination ports from {Describe(core, focus)} over {spread.Destinations.Count} " +
                        $"destinations (up to {spread.MostPortsOnOne} on one; {spread.ProbeShare:P0} of {spread.Services} services probes only)";
                }

                break;
            case "detections":
                return Detections(core, session, focus, text);
            case "degree_delta":
                // Neighbours whose first edge with the focus falls inside the window are new; the rest were established before it.
                long start = session.WindowStartNs(core.NowNs);
                var firstSeen = new Dictionary<ulong, long>();
                foreach (var e in core.Graph.Edges(null, options.MaxEdgesPerStep))
                {
                    ulong other = e.Key.Src == focus ? e.Key.Dst : e.Key.Dst == focus ? e.Key.Src : focus;
                    if (other == focus || !Passes(session, e)) continue;
                    firstSeen[other] = firstSeen.TryGetValue(other, out long f) ? Math.Min(f, e.FirstSeenNs) : e.FirstSeenNs;
                }

                int added = firstSeen.Values.Count(f => f >= start);
                value = added;
                data["new_neighbours"] = added;
                data["established_neighbours"] = firstSeen.Count - added;
                summary = $"degree delta +{added} new neighbours in the window ({firstSeen.Count - added} established)";
                break;
            default:
                var firsts = inbound.GroupBy(e => e.Key.Src).Select(g => g.Min(e => e.FirstSeenNs)).ToList();
                int largest = firsts.Count < 2 ? 0 : firsts.GroupBy(Bucket).Max(g => g.Count());
                value = firsts.Count < 2 ? 0 : (double)largest / firsts.Count;
                data["sources"] = firsts.Count;
                data["largest_synchronised_group"] = largest;
                data["bucket_ms"] = options.SyncBucket.TotalMilliseconds;
                summary = $"temporal sync {value:0.###}: {largest} of {firsts.Count} sources first seen within one {options.SyncBucket.TotalMilliseconds} ms bucket";
                break;
        }

        data["value"] = value;
        session.Evidence[metric] = value;
        return new DslStepResult(text, true, summary, data);
    }

    /// <summary>What a source's outbound edges cover: hosts, ports, (host, port, protocol) services and probe-only services.</summary>
    private SpreadMeasure Spread(List<HyperEdge> outbound)
    {
        var services = outbound.GroupBy(e => e.Key.EdgeHash).ToList();
        int probes = services.Count(g => g.All(e => e.Packets <= (ulong)options.ProbePacketLimit));
        var destinations = outbound.Select(e => e.Key.Dst).Distinct().Order().ToList();
        var ports = outbound.Select(e => e.DstPort).ToHashSet();
        int mostOnOne = outbound.GroupBy(e => e.Key.Dst).Select(g => g.Select(e => e.DstPort).Distinct().Count()).DefaultIfEmpty(0).Max();
        return new SpreadMeasure(destinations, ports, services.Count, probes, services.Count == 0 ? 0 : (double)probes / services.Count, mostOnOne);
    }

    private readonly record struct SpreadMeasure(
        List<ulong> Destinations, HashSet<ushort> Ports, int Services, int ProbeServices, double ProbeShare, int MostPortsOnOne);

    /// <summary>
    /// ANALYZE detections: the autopilot's findings (cards, suggestions, observations) that name the focus. The best
    /// score of a threat finding about the focus (its subject) becomes the <c>detector</c> signal; findings that only
    /// involve it (a scanner's victim) or describe load (aggregator, fan_in) are listed, not scored.
    /// </summary>
    private DslStepResult Detections(EngineCore core, InvestigationSession session, ulong focus, string text)
    {
        var rows = new JsonArray();
        var seen = new HashSet<(string, string, string)>();
        double? best = null;
        foreach (DetectorFinding f in DetectorFinding.Recent(core, options.DetectionsSearched))
        {
            string role = f.RoleOf(focus);
            if (role.Length == 0 || !seen.Add((f.Detector, f.Pattern, role)))
            {
                continue;
            }

            if (role == "subject" && f.IsThreat) best = Math.Max(best ?? 0, f.Confidence);
            if (rows.Count < options.MaxResultRows)
            {
                rows.Add(new JsonObject
                {
                    ["detector"] = f.Detector, ["pattern"] = f.Pattern, ["shape"] = f.Shape, ["tier"] = f.Tier.ToWireName(),
                    ["confidence"] = Math.Round(f.Confidence, 4), ["role"] = role, ["threat"] = f.IsThreat,
                });
            }
        }

        var data = new JsonObject { ["metric"] = "detections", ["findings"] = rows, ["value"] = best };
        if (best is { } value) session.Evidence["detector"] = value;
        string summary = rows.Count == 0
            ? $"no detector finding names {Describe(core, focus)}"
            : $"{rows.Count} detector findings name {Describe(core, focus)}" + (best is { } b ? $"; best threat about it {b:0.###}" : "; no threat verdict about it");
        return new DslStepResult(text, true, summary, data);
    }

    private static JsonArray Services(EngineCore core, ulong node) =>
        new(core.Graph.Services(node, limit: 20).Select(s => (JsonNode?)new JsonObject
        {
            ["port"] = s.DstPort, ["protocol"] = s.Protocol, ["packets"] = s.Packets, ["bytes"] = s.Bytes, ["windows"] = s.Windows,
        }).ToArray());

    private DslStepResult Cluster(EngineCore core, InvestigationSession session, string method, string text)
    {
        var edges = WorkingSet(core, session);
        var scoped = session.FocusNode is { } focus ? edges.Where(e => e.Key.Dst == focus) : edges;
        var firstBySource = scoped.GroupBy(e => e.Key.Src).ToDictionary(g => g.Key, g => g.Min(e => e.FirstSeenNs));
        IEnumerable<IGrouping<string, ulong>> groups = method == "timing"
            ? firstBySource.Keys.GroupBy(s => Bucket(firstBySource[s]).ToString(CultureInfo.InvariantCulture))
            : firstBySource.Keys.GroupBy(s => NetworkOf(core, s));
        var clusters = groups.OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).ToList();
        var rows = new JsonArray();
        foreach (var g in clusters.Take(options.MaxResultRows))
        {
            var row = new JsonObject { ["key"] = g.Key, ["size"] = g.Count(), ["members"] = Nodes(core, g.Take(options.MaxResultRows)) };
            if (method == "timing") row["first_seen_ns"] = firstBySource[g.First()];
            rows.Add(row);
        }

        int sources = firstBySource.Count;
        var data = new JsonObject { ["method"] = method, ["sources"] = sources, ["clusters"] = rows };
        string summary;
        if (method == "timing")
        {
            double share = sources == 0 ? 0 : (double)(clusters.FirstOrDefault()?.Count() ?? 0) / sources;
            session.Evidence["timing_cluster_share"] = share;
            data["largest_share"] = share;
            summary = $"{clusters.Count} timing clusters over {sources} sources; largest holds {share:P0}";
        }
        else
        {
            // No ASN table on a control node yet: the /24 (IPv4) or /48 (IPv6) network stands in for the AS.
            double diversity = sources == 0 ? 0 : (double)clusters.Count / sources;
            session.Evidence["asn_diversity"] = diversity;
            data["grouping"] = "network prefix (/24, /48) as ASN proxy";
            data["diversity"] = diversity;
            summary = $"{clusters.Count} network groups over {sources} sources (diversity {diversity:0.##}; prefix as ASN proxy)";
        }

        return new DslStepResult(text, true, summary, data);
    }

    private DslStepResult Trace(EngineCore core, InvestigationSession session, int depth, string text)
    {
        ulong focus = RequireFocus(session, "TRACE");
        depth = Math.Min(depth, options.MaxDepth);
        var outbound = WorkingSet(core, session).GroupBy(e => e.Key.Src).ToDictionary(g => g.Key, g => g.Select(e => e.Key.Dst).Distinct().Order().ToList());
        var paths = new List<List<ulong>>();
        var stack = new Stack<List<ulong>>();
        stack.Push([focus]);
        while (stack.Count > 0 && paths.Count < options.MaxResultRows)
        {
            var path = stack.Pop();
            var next = outbound.TryGetValue(path[^1], out var d) ? d.Where(n => !path.Contains(n)).ToList() : [];
            if (path.Count > depth || next.Count == 0)
            {
                if (path.Count > 1) paths.Add(path);
                continue;
            }

            for (int i = next.Count - 1; i >= 0; i--) stack.Push([.. path, next[i]]);
        }

        session.Evidence["trace_paths"] = paths.Count;
        var rows = new JsonArray(paths.Select(p => (JsonNode?)new JsonArray(p.Select(n => (JsonNode?)Describe(core, n)).ToArray())).ToArray());
        return new DslStepResult(text, true, $"{paths.Count} outbound paths from {Describe(core, focus)} up to depth {depth}",
            new JsonObject { ["depth"] = depth, ["paths"] = rows });
    }

    private DslStepResult Expand(EngineCore core, InvestigationSession session, int depth, string text)
    {
        ulong focus = RequireFocus(session, "EXPAND");
        depth = Math.Min(depth, options.MaxDepth);
        var adjacent = new Dictionary<ulong, SortedSet<ulong>>();
        foreach (var e in WorkingSet(core, session))
        {
            (adjacent.TryGetValue(e.Key.Src, out var a) ? a : adjacent[e.Key.Src] = []).Add(e.Key.Dst);
            (adjacent.TryGetValue(e.Key.Dst, out var b) ? b : adjacent[e.Key.Dst] = []).Add(e.Key.Src);
        }

        var hops = new Dictionary<ulong, int> { [focus] = 0 };
        var frontier = new List<ulong> { focus };
        for (int hop = 1; hop <= depth && frontier.Count > 0; hop++)
        {
            var next = new List<ulong>();
            foreach (ulong n in frontier)
            {
                foreach (ulong m in adjacent.TryGetValue(n, out var set) ? set : [])
                {
                    if (hops.TryAdd(m, hop)) next.Add(m);
                }
            }

            frontier = next;
        }

        var found = hops.Where(kv => kv.Value > 0).OrderBy(kv => kv.Value).ThenBy(kv => kv.Key).ToList();
        var rows = new JsonArray(found.Take(options.MaxResultRows).Select(kv =>
        {
            var row = Node(core, kv.Key);
            row["hop"] = kv.Value;
            return (JsonNode?)row;
        }).ToArray());
        session.Evidence["expanded_nodes"] = found.Count;
        return new DslStepResult(text, true, $"{found.Count} nodes within {depth} hops of {Describe(core, focus)}",
            new JsonObject { ["depth"] = depth, ["count"] = found.Count, ["nodes"] = rows });
    }

    private DslStepResult Summarize(EngineCore core, InvestigationSession session, string text)
    {
        var edges = WorkingSet(core, session);
        var degree = new Dictionary<ulong, int>();
        foreach (var e in edges)
        {
            degree[e.Key.Src] = degree.GetValueOrDefault(e.Key.Src) + 1;
            degree[e.Key.Dst] = degree.GetValueOrDefault(e.Key.Dst) + 1;
        }

        var data = session.Describe();
        data["edges"] = edges.Count;
        data["nodes"] = degree.Count;
        data["evidence"] = new JsonObject(session.Evidence.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value)));
        data["top_nodes"] = new JsonArray(degree.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key).Take(5).Select(kv =>
        {
            var row = Node(core, kv.Key);
            row["degree"] = kv.Value;
            return (JsonNode?)row;
        }).ToArray());
        string evidence = session.Evidence.Count == 0 ? "no evidence yet" : string.Join(", ", session.Evidence.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value:0.###}"));
        return new DslStepResult(text, true, $"focus {session.FocusLabel ?? "none"}, window {data["window"]}, {edges.Count} edges / {degree.Count} nodes; {evidence}", data);
    }

    private DslStepResult Assess(InvestigationSession session, string text)
    {
        ThreatScore score = ThreatAssessment.Assess(session.Evidence, options);
        double confidence = score.Confidence;
        session.LastAssessment = confidence;
        var data = new JsonObject
        {
            ["confidence"] = confidence,
            ["signals"] = new JsonObject(score.Signals.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))),
            ["destination_pattern"] = score.FanInPattern,
            ["source_pattern"] = score.SpreadPattern,
            ["detector"] = score.Detector,
            ["rule"] = ThreatAssessment.Rule,
        };
        string summary = score.Signals.Count == 0
            ? "confidence 0: no evidence gathered yet (run ANALYZE / CLUSTER first)"
            : $"confidence {confidence:0.###} from {string.Join(", ", score.Signals.Keys)}";
        return new DslStepResult(text, true, summary, data);
    }

    private List<HyperEdge> WorkingSet(EngineCore core, InvestigationSession session)
    {
        long start = session.WindowStartNs(core.NowNs);
        return core.Graph.Edges(null, options.MaxEdgesPerStep).Where(e => e.LastSeenNs >= start && Passes(session, e)).ToList();
    }

    private static bool Passes(InvestigationSession session, in HyperEdge edge)
    {
        foreach (DslFilter f in session.Filters)
        {
            double v = f.Field switch
            {
                "weight" => edge.Weight,
                "port" => edge.DstPort,
                "protocol" => edge.Protocol,
                "packets" => edge.Packets,
                "bytes" => edge.Bytes,
                _ => edge.Records,
            };
            bool pass = f.Operator switch
            {
                "=" => v == f.Value,
                "!=" => v != f.Value,
                ">" => v > f.Value,
                ">=" => v >= f.Value,
                "<" => v < f.Value,
                _ => v <= f.Value,
            };
            if (!pass) return false;
        }

        return true;
    }

    private long Bucket(long ns) => Math.DivRem(ns, _bucketNs, out long rem) - (rem < 0 ? 1 : 0);

    private static ulong RequireFocus(InvestigationSession session, string what) =>
        session.FocusNode ?? throw new InvalidOperationException($"{what} needs a focus: run FOCUS <ip|node:0x…> first.");

    private static string NetworkOf(EngineCore core, ulong node) =>
        core.Directory.TryGetNetworkKey(node, 24, 48, out _) && core.Directory.AddressText(node) is { } address
            ? Prefix(address)
            : "unknown";

    private static string Prefix(string address)
    {
        if (!address.Contains(':'))
        {
            return address[..address.LastIndexOf('.')] + ".0/24";
        }

        var ip = System.Net.IPAddress.Parse(address).GetAddressBytes();
        Array.Clear(ip, 6, 10);
        return new System.Net.IPAddress(ip) + "/48";
    }

    private static string Describe(EngineCore core, ulong node) => core.Directory.AddressText(node) ?? $"node:0x{node:x16}";

    private static JsonObject Node(EngineCore core, ulong node) => new()
    {
        ["node"] = $"node:0x{node:x16}",
        ["address"] = core.Directory.AddressText(node),
    };

    private static JsonArray Nodes(EngineCore core, IEnumerable<ulong> nodes) =>
        new(nodes.Order().Select(n => (JsonNode?)Node(core, n)).ToArray());
}
