using NerfEngine.Control.LiveIngest;

namespace NerfEngine.Tests.ControlNode.LiveIngest.Support;

/// <summary>Live events as the ingress and connect_stream produce them.</summary>
internal static class LiveEvents
{
    /// <summary>Event time of the test events: 2024-01-15T10:30:00Z.</summary>
    public static readonly DateTimeOffset EventTime = new(2024, 1, 15, 10, 30, 0, TimeSpan.Zero);

    public static LiveEvent Event(string type, string src, string dst, int dstPort, string proto = "TCP", string source = "test", int srcPort = 40000, DateTimeOffset? at = null, params (string Key, string Value)[] more)
    {
        var entities = new List<KeyValuePair<string, string>>
        {
            new("src_ip", src), new("dest_ip", dst), new("src_port", srcPort.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new("dest_port", dstPort.ToString(System.Globalization.CultureInfo.InvariantCulture)), new("proto", proto),
        };
        entities.AddRange(more.Select(m => new KeyValuePair<string, string>(m.Key, m.Value)));
        return new LiveEvent(source, Guid.NewGuid().ToString("N"), type, at ?? EventTime, entities);
    }

    public static LiveEvent Raw(string type, params (string Key, string Value)[] entities) =>
        new("test", string.Empty, type, EventTime, entities.Select(e => new KeyValuePair<string, string>(e.Key, e.Value)).ToList());

    /// <summary>A flow to a different destination each time (every one is novel).</summary>
    public static LiveEvent Distinct(int i, string type = "flow", string source = "test") =>
        Event(type, "10.1.0.1", $"10.2.{i / 250}.{(i % 250) + 1}", 443, source: source);
}
