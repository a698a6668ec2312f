namespace NerfEngine.Control.Detection.Graph;

/// <summary>Configuration of a <see cref="NodeDirectory"/> (section <c>Detection:Directory</c>).</summary>
public sealed record NodeDirectoryOptions
{
    /// <summary>
    /// RFC 1918, carrier-grade NAT (RFC 6598), unique-local IPv6 (RFC 4193), loopback and link-local:
    /// the address space a site's own hosts normally use.
    /// </summary>
    public static readonly IReadOnlyList<string> DefaultInternalNetworks =
    [
        "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10",
        "127.0.0.0/8", "169.254.0.0/16", "fc00::/7", "::1/128", "fe80::/10",
    ];

    /// <summary>CIDR blocks whose hosts are internal; everything else with a known address is external.</summary>
    public IReadOnlyList<string> InternalNetworks { get; init; } = DefaultInternalNetworks;

    /// <summary>Addresses kept at most; registrations beyond are refused and counted, so memory is bounded.</summary>
    public int MaxEntries { get; init; } = 4_000_000;
}
