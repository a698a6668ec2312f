namespace NerfEngine.Tests.SensorNode.Capture.Xdp;

/// <summary>
/// The BPF objects a process holds right now, from /proc: descriptors of maps, programs and links
/// (/proc/PID/fd → "anon_inode:bpf-map" …) and mappings of BPF ring buffers (/proc/PID/maps), so a test can
/// prove a stop released everything its start acquired.
/// </summary>
internal sealed record BpfResources(int Maps, int Programs, int Links, int MappedRings)
{
    public static BpfResources Now()
    {
        int maps = 0, programs = 0, links = 0;
        foreach (string fd in Directory.EnumerateFileSystemEntries("/proc/self/fd"))
        {
            string? target;
            try
            {
                target = new FileInfo(fd).LinkTarget;
            }
            catch (IOException)
            {
                continue; // closed while we looked
            }
            switch (target)
            {
                case "anon_inode:bpf-map": maps++; break;
                case "anon_inode:bpf-prog": programs++; break;
                case "anon_inode:bpf_link": links++; break;
            }
        }
        int rings = File.ReadLines("/proc/self/maps").Count(line => line.Contains("anon_inode:bpf-map", StringComparison.Ordinal)
            || line.Contains("anon_inode:bpf_ringbuf", StringComparison.Ordinal));
        return new BpfResources(maps, programs, links, rings);
    }
}
