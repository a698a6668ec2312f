using NerfEngine.Shared.Messages.Records;

namespace NerfEngine.Tests.ControlNode.Detection.Support;

/// <summary>Synthetic traffic shapes shared by detector and autopilot tests. Seeded, so runs are identical.</summary>
internal static class Scenarios
{
    /// <summary>120 sources from 120 networks hitting one service within 12 ms, ~100 µs apart (±10 µs).</summary>
    public static List<GraphEdge> SynchronisedBotnet(EdgeFactory f, long start, int sources = 120, string target = "198.51.100.10", ushort port = 443)
    {
        var rng = new Random(7);
        var edges = new List<GraphEdge>();
        for (int i = 0; i < sources; i++)
        {
            long ts = start + i * 100 * Ns.Us + rng.Next(-10, 11) * Ns.Us;
            edges.Add(f.Open(Math.Max(start, ts), EdgeFactory.DiverseAddress(i), target, port));
        }

        edges.Sort((a, b) => a.TimestampNs.CompareTo(b.TimestampNs));
        return edges;
    }

    /// <summary>Poisson arrivals of new clients (one OPEN each) at <paramref name="ratePerSecond"/> for <paramref name="durationNs"/>.</summary>
    public static List<GraphEdge> FlashCrowd(EdgeFactory f, long start, double ratePerSecond, long durationNs, string target = "198.51.100.30", int seed = 11)
    {
        var rng = new Random(seed);
        var edges = new List<GraphEdge>();
        double t = start;
        for (int i = 0; ; i++)
        {
            t += -Math.Log(1 - rng.NextDouble()) / ratePerSecond * Ns.S;
            if (t >= start + durationNs)
            {
                break;
            }

            edges.Add(f.Open((long)t, EdgeFactory.DiverseAddress(i, firstOctet: 40), target, 443));
        }

        return edges;
    }

    /// <summary>
    /// A botnet that replaces its members every 2 s with 50 fresh ones from 50 distinct /16s; each
    /// cohort opens a connection to the same service in lockstep every 250 ms (±200 µs).
    /// </summary>
    public static List<GraphEdge> RotatingBotnet(EdgeFactory f, long start, int cohorts = 5, string target = "198.51.100.20", ushort port = 8080)
    {
        var rng = new Random(5);
        var edges = new List<GraphEdge>();
        for (int c = 0; c < cohorts; c++)
        {
            for (int tick = 0; tick < 8; tick++)
            {
                long at = start + c * 2 * Ns.S + tick * 250 * Ns.Ms;
                for (int b = 0; b < 50; b++)
                {
                    edges.Add(f.Open(at + rng.Next(0, 200) * Ns.Us, EdgeFactory.DiverseAddress(c * 50 + b, firstOctet: 60), target, port));
                }
            }
        }

        edges.Sort((a, b) => a.TimestampNs.CompareTo(b.TimestampNs));
        return edges;
    }

    /// <summary>
    /// An internal DNS server and an NTP server with many internal clients querying at Poisson times
    /// (mean 0.5 s per client), each query a new UDP flow (OPEN then CLOSE).
    /// </summary>
    public static List<GraphEdge> DnsAndNtpServers(EdgeFactory f, long start, long durationNs, int clients = 400)
    {
        var rng = new Random(3);
        var edges = new List<GraphEdge>();
        for (int i = 0; i < clients; i++)
        {
            string client = $"10.1.{i / 250}.{1 + i % 250}";
            (string server, ushort port) = i % 4 == 0 ? ("10.0.0.123", (ushort)123) : ("10.0.0.53", (ushort)53);
            double t = start + rng.NextDouble() * 0.5 * Ns.S;
            while (t < start + durationNs)
            {
                edges.Add(f.Edge(EdgeKind.Open, (long)t, client, server, port, protocol: 17));
                edges.Add(f.Edge(EdgeKind.Close, (long)t + 2 * Ns.Ms, client, server, port, protocol: 17));
                t += -Math.Log(1 - rng.NextDouble()) * 0.5 * Ns.S;
            }
        }

        edges.Sort((a, b) => a.TimestampNs.CompareTo(b.TimestampNs));
        return edges;
    }
}
