using NerfEngine.Shared.Messages.EveStreamer;

namespace NerfEngine.Tests.ControlNode.Ingress.EveStreamer.Support;

/// <summary>eve-streamer events as a shipper sends them.</summary>
internal static class EveEvents
{
    /// <summary>2026-01-01T00:00:00Z in epoch milliseconds: inside the accepted window on any machine after that date.</summary>
    public static readonly long BaseMillis = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    /// <summary>A flow event from 10.0.0.{n} to 10.0.1.1:443.</summary>
    public static Event Flow(string id, int n = 1, string type = "flow", long? timestamp = null)
    {
        var e = new Event { EventId = id, Type = type, Timestamp = timestamp ?? BaseMillis + n };
        e.Entities.Add(new Entity { Key = "src_ip", Value = $"10.0.0.{n % 250}" });
        e.Entities.Add(new Entity { Key = "dest_ip", Value = "10.0.1.1" });
        e.Entities.Add(new Entity { Key = "dest_port", Value = "443" });
        e.Entities.Add(new Entity { Key = "proto", Value = "TCP" });
        return e;
    }
}
