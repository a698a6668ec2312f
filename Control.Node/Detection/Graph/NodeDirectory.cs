using System.Buffers.Binary;
using NerfEngine.Shared.Messages.Hashing;
using NerfEngine.Shared.Messages.Records;

namespace NerfEngine.Control.Detection.Graph;

/// <summary>
/// Maps node ids (FNV-1a of the address bytes) back to addresses, and classifies nodes as internal
/// or external by the configured CIDR blocks. Fed from <c>EdgeBatch.node_addresses</c>; the
/// classification is computed once at registration so detectors look it up per edge for the cost
/// of one dictionary probe.
/// </summary>
/// <remarks>Single-threaded: owned by the detector shard (one actor) that feeds it.</remarks>
public sealed class NodeDirectory
{
    private readonly Dictionary<ulong, Entry> _entries = new();
    private readonly NetworkPrefix[] _internal;
    private readonly int _maxEntries;

    private readonly record struct Entry(NodeAddress Address, NodeClass Class);

    /// <summary>Creates a directory; invalid CIDR text fails here, at start-up.</summary>
    /// <exception cref="FormatException">An internal network is not CIDR notation.</exception>
    public NodeDirectory(NodeDirectoryOptions? options = null)
    {
        options ??= new NodeDirectoryOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxEntries, 1);
        _internal = options.InternalNetworks.Select(NetworkPrefix.Parse).ToArray();
        _maxEntries = options.MaxEntries;
    }

    /// <summary>The internal networks in effect.</summary>
    public IReadOnlyList<NetworkPrefix> InternalNetworks => _internal;

    /// <summary>Addresses known.</summary>
    public int Count => _entries.Count;

    /// <summary>Registrations refused because the directory was full.</summary>
    public long Refused { get; private set; }

    /// <summary>Records the address of a node id (idempotent; the newest record wins).</summary>
    public void Register(in NodeAddress address)
    {
        if (_entries.Count >= _maxEntries && !_entries.ContainsKey(address.NodeId))
        {
            Refused++;
            return;
        }

        _entries[address.NodeId] = new Entry(address, ClassifyAddress(address));
    }

    /// <summary>Records every address of a batch.</summary>
    public void Register(ReadOnlySpan<NodeAddress> addresses)
    {
        foreach (ref readonly NodeAddress address in addresses)
        {
            Register(address);
        }
    }

    /// <summary>Registers an address given as text ("10.0.0.1"); returns its node id. For tools and tests.</summary>
    public ulong Register(System.Net.IPAddress address)
    {
        var record = NodeAddress.FromIPAddress(address);
        Register(record);
        return record.NodeId;
    }

    /// <summary>The address of a node id, when known.</summary>
    public bool TryGetAddress(ulong nodeId, out NodeAddress address)
    {
        bool found = _entries.TryGetValue(nodeId, out Entry entry);
        address = entry.Address;
        return found;
    }

    /// <summary>Internal, external, or unknown (no address registered).</summary>
    public NodeClass Classify(ulong nodeId) =>
        _entries.TryGetValue(nodeId, out Entry entry) ? entry.Class : NodeClass.Unknown;

    /// <summary>Whether the node is known and internal; unknown nodes are not internal.</summary>
    public bool IsInternal(ulong nodeId) => Classify(nodeId) == NodeClass.Internal;

    /// <summary>"node:0x… 10.0.0.1" or "node:0x…" when the address is unknown.</summary>
    public string Describe(ulong nodeId) =>
        TryGetAddress(nodeId, out NodeAddress address) ? address.ToString() : $"node:0x{nodeId:x16}";

    /// <summary>The address as text, or null when unknown.</summary>
    public string? AddressText(ulong nodeId) =>
        TryGetAddress(nodeId, out NodeAddress address) ? address.ToIPAddress().ToString() : null;

    /// <summary>
    /// A 64-bit key for the network the node's address belongs to (first <paramref name="ipv4Bits"/>
    /// or <paramref name="ipv6Bits"/> bits), used for infrastructure diversity. False when unknown.
    /// </summary>
    public bool TryGetNetworkKey(ulong nodeId, int ipv4Bits, int ipv6Bits, out ulong networkKey)
    {
        networkKey = 0;
        if (!_entries.TryGetValue(nodeId, out Entry entry))
        {
            return false;
        }

        NodeAddress address = entry.Address;
        ReadOnlySpan<byte> bytes = address.Address;
        if (address.IpVersion == 4)
        {
            uint v4 = BinaryPrimitives.ReadUInt32BigEndian(bytes);
            uint mask = ipv4Bits <= 0 ? 0u : ipv4Bits >= 32 ? uint.MaxValue : uint.MaxValue << (32 - ipv4Bits);
            networkKey = (4UL << 56) | (v4 & mask);
            return true;
        }

        Span<byte> masked = stackalloc byte[AddressBytes.Length];
        bytes.CopyTo(masked);
        for (int bit = Math.Clamp(ipv6Bits, 0, 128); bit < 128; bit++)
        {
            masked[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        }

        networkKey = Fnv1a64.Hash(masked) | (1UL << 63);
        return true;
    }

    private NodeClass ClassifyAddress(in NodeAddress address)
    {
        foreach (ref readonly NetworkPrefix prefix in _internal.AsSpan())
        {
            if (prefix.Contains(address))
            {
                return NodeClass.Internal;
            }
        }

        return NodeClass.External;
    }
}
