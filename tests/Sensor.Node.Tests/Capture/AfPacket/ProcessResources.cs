namespace NerfEngine.Tests.SensorNode.Capture.AfPacket;

/// <summary>
/// What the process holds right now, read from /proc: its descriptors that are AF_PACKET sockets
/// (/proc/self/fd links whose inode /proc/net/packet lists) and its socket mappings (packet rings show
/// as "socket:[inode]" in /proc/self/maps). Both are exact, unlike the total descriptor count, which
/// the runtime moves on its own (thread pool, finalised streams).
/// </summary>
public sealed record ProcessResources(int OpenDescriptors, IReadOnlySet<string> PacketSocketInodes, int SocketMappings, int BoundPacketSockets)
{
    public int PacketSockets => PacketSocketInodes.Count;

    public static ProcessResources Now() => Of("self");

    /// <summary>The same for another process (by pid, or "self").</summary>
    public static ProcessResources Of(string process)
    {
        // /proc/net/packet: sk RefCnt Type Proto Iface R Rmem User Inode; R = 1 once bound and running.
        Dictionary<string, bool> packetInodes = File.ReadLines("/proc/net/packet").Skip(1)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length > 8)
            .ToDictionary(fields => $"socket:[{fields[8]}]", fields => fields[5] == "1");
        var mine = new HashSet<string>();
        int descriptors = 0;
        foreach (string fd in Directory.EnumerateFileSystemEntries($"/proc/{process}/fd"))
        {
            descriptors++;
            try
            {
                string? target = new FileInfo(fd).LinkTarget;
                if (target is not null && packetInodes.ContainsKey(target))
                {
                    mine.Add(target);
                }
            }
            catch (IOException)
            {
                // The descriptor closed while we looked (the enumeration's own handle, for one).
            }
        }
        int mappings = File.ReadLines($"/proc/{process}/maps").Count(line => line.Contains(" socket:[", StringComparison.Ordinal));
        return new ProcessResources(descriptors, mine, mappings, mine.Count(inode => packetInodes[inode]));
    }
}
