namespace NerfEngine.Control.Copilot.Entities;

/// <summary>Kinds of entity the extractor recognises in free text.</summary>
public enum EntityKind
{
    /// <summary>Dotted-quad IPv4 address.</summary>
    Ipv4,

    /// <summary>IPv4 CIDR block, canonicalised (host bits cleared).</summary>
    Cidr,

    /// <summary>Autonomous system number ("AS12345").</summary>
    Asn,

    /// <summary>DNS name, lower-cased.</summary>
    Domain,

    /// <summary>TCP/UDP port (":443", "port 22").</summary>
    Port,

    /// <summary>Graph node id ("node:0x…"), normalised to 16 hex digits.</summary>
    NodeId,
}

/// <summary>
/// One entity found in text. <see cref="Value"/> is normalised; <see cref="Text"/> is what the
/// text said, at [<see cref="Start"/>, <see cref="Start"/> + <see cref="Length"/>).
/// </summary>
public sealed record ExtractedEntity(EntityKind Kind, string Value, string Text, int Start, int Length)
{
    /// <summary>snake_case kind for JSON ("ipv4", "cidr", "asn", "domain", "port", "node_id").</summary>
    public string KindName => Kind switch
    {
        EntityKind.NodeId => "node_id",
        _ => Kind.ToString().ToLowerInvariant(),
    };
}
