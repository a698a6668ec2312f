using System.Runtime.InteropServices;
using NerfEngine.Sensor.Capture.Native;

namespace NerfEngine.Sensor.Capture.Xdp;

/// <summary>
/// The loaded bpf/xdp_edges.bpf.o: libbpf opens the ELF, sizes the maps, creates them and verifies and loads
/// the program (bpf_object__open_file, bpf_object__load). Owns every map and program fd through the
/// bpf_object; <see cref="Dispose"/> closes them all (bpf_object__close). Not attached to anything: see
/// <see cref="XdpAttachment"/>.
/// </summary>
internal sealed unsafe class XdpObject : IDisposable
{
    /// <summary>SEC("xdp") function name in xdp_edges.bpf.c.</summary>
    public const string ProgramName = "nerf_xdp_edges";

    private static readonly string[] MapNames = ["flows", "edge_agg_0", "edge_agg_1", "agg_control", "edge_events", "flow_events", "counters"];

    private readonly Lock _gate = new();
    private nint _object;
    private string? _pinnedIn;

    private XdpObject(nint obj, string path)
    {
        _object = obj;
        Path = path;
        ProgramFd = LibBpf.ProgramFd(LibBpf.ObjectFindProgram(obj, ProgramName));
        FlowsFd = MapFd("flows");
        EdgeAggregateFds = [MapFd("edge_agg_0"), MapFd("edge_agg_1")];
        AggregateControlFd = MapFd("agg_control");
        EdgeEventsFd = MapFd("edge_events");
        FlowEventsFd = MapFd("flow_events");
        CountersFd = MapFd("counters");
        PossibleCpus = LibBpf.NumPossibleCpus();
    }

    /// <summary>The object file loaded.</summary>
    public string Path { get; }

    public int ProgramFd { get; }

    public int FlowsFd { get; }

    /// <summary>edge_agg_0 and edge_agg_1.</summary>
    public int[] EdgeAggregateFds { get; }

    public int AggregateControlFd { get; }

    public int EdgeEventsFd { get; }

    public int FlowEventsFd { get; }

    public int CountersFd { get; }

    /// <summary>Slots in a per-CPU map value (libbpf_num_possible_cpus).</summary>
    public int PossibleCpus { get; }

    /// <summary>
    /// Opens and loads <paramref name="path"/> with <paramref name="sizes"/>. Every failure is a
    /// <see cref="CaptureException"/> naming what to fix; <paramref name="interfaceName"/> goes into messages.
    /// </summary>
    public static XdpObject Load(string path, XdpMapSizes sizes, string interfaceName)
    {
        if (!File.Exists(path))
        {
            throw XdpErrors.ObjectMissing(path);
        }
        nint obj = 0;
        try
        {
            LibBpfLog.Install();
            long mark = LibBpfLog.Mark();
            obj = LibBpf.ObjectOpenFile(path, null);
            if (obj == 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                throw XdpErrors.FromErrno(errno, "bpf_object__open_file", interfaceName, LibBpfLog.Since(mark));
            }
            Resize(obj, "flows", sizes.FlowTableEntries, interfaceName);
            Resize(obj, "edge_agg_0", sizes.EdgeAggregateEntries, interfaceName);
            Resize(obj, "edge_agg_1", sizes.EdgeAggregateEntries, interfaceName);
            Resize(obj, "edge_events", sizes.EdgeRingBytes, interfaceName);
            Resize(obj, "flow_events", sizes.FlowRingBytes, interfaceName);
            int loaded = LibBpf.ObjectLoad(obj);
            if (loaded < 0)
            {
                throw XdpErrors.FromErrno(-loaded, "bpf_object__load", interfaceName, LibBpfLog.Since(mark));
            }
            var loadedObject = new XdpObject(obj, path);
            obj = 0;
            return loadedObject;
        }
        catch (DllNotFoundException ex)
        {
            throw XdpErrors.LibraryMissing(ex);
        }
        finally
        {
            if (obj != 0)
            {
                LibBpf.ObjectClose(obj);
            }
        }
    }

    /// <summary>The program's per-CPU counters, summed.</summary>
    public XdpKernelCounters ReadCounters()
    {
        var perCpu = new XdpCountersNative[PossibleCpus];
        uint key = 0;
        fixed (XdpCountersNative* values = perCpu)
        {
            int result = LibBpf.MapLookup(CountersFd, &key, values);
            if (result < 0)
            {
                throw new CaptureException(CaptureFailure.SystemCallFailed, $"reading the XDP counters failed: {XdpErrors.Describe(-result)}", -result);
            }
        }
        return XdpKernelCounters.Sum(perCpu);
    }

    /// <summary>
    /// BPF_PROG_TEST_RUN: runs the program once on <paramref name="frame"/> (at least 14 bytes, the kernel's
    /// ETH_HLEN minimum for XDP) and returns its verdict (XDP_PASS is 2).
    /// </summary>
    public uint TestRun(ReadOnlySpan<byte> frame)
    {
        fixed (byte* data = frame)
        {
            BpfTestRunOptions options = BpfTestRunOptions.Create();
            options.DataIn = data;
            options.DataSizeIn = (uint)frame.Length;
            options.Repeat = 1;
            int result = LibBpf.ProgramTestRun(ProgramFd, &options);
            if (result < 0)
            {
                throw new CaptureException(CaptureFailure.SystemCallFailed, $"BPF_PROG_TEST_RUN failed: {XdpErrors.Describe(-result)}", -result);
            }
            return options.ReturnValue;
        }
    }

    /// <summary>Pins every map and the program under <paramref name="directory"/> (a bpffs folder) for bpftool.</summary>
    public void Pin(string directory, string interfaceName)
    {
        Directory.CreateDirectory(directory);
        lock (_gate)
        {
            _pinnedIn = directory;
            foreach (string name in MapNames)
            {
                int result = LibBpf.MapPin(LibBpf.ObjectFindMap(_object, name), System.IO.Path.Combine(directory, name));
                if (result < 0)
                {
                    throw XdpErrors.FromErrno(-result, $"pinning map {name} in '{directory}'", interfaceName);
                }
            }
            if (LibBpf.ObjectPin(ProgramFd, System.IO.Path.Combine(directory, ProgramName)) < 0)
            {
                throw XdpErrors.FromErrno(Marshal.GetLastPInvokeError(), $"pinning the program in '{directory}'", interfaceName);
            }
        }
    }

    /// <summary>Closes every map and program fd (and removes pins); the kernel frees what no link or pin holds.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_object == 0)
            {
                return;
            }
            if (_pinnedIn is not null)
            {
                foreach (string name in MapNames)
                {
                    LibBpf.MapUnpin(LibBpf.ObjectFindMap(_object, name), System.IO.Path.Combine(_pinnedIn, name));
                }
                File.Delete(System.IO.Path.Combine(_pinnedIn, ProgramName));
                if (!Directory.EnumerateFileSystemEntries(_pinnedIn).Any())
                {
                    Directory.Delete(_pinnedIn);
                }
            }
            LibBpf.ObjectClose(_object);
            _object = 0;
        }
    }

    private int MapFd(string name)
    {
        int fd = LibBpf.MapFd(LibBpf.ObjectFindMap(_object, name));
        return fd >= 0 ? fd : throw new InvalidOperationException($"BPF object '{Path}' has no map '{name}'; rebuild bpf/xdp_edges.bpf.c.");
    }

    private static void Resize(nint obj, string map, int entries, string interfaceName)
    {
        nint handle = LibBpf.ObjectFindMap(obj, map);
        if (handle == 0)
        {
            throw new CaptureException(CaptureFailure.SystemCallFailed, $"the BPF object has no map '{map}'; rebuild bpf/xdp_edges.bpf.c");
        }
        int result = LibBpf.MapSetMaxEntries(handle, (uint)entries);
        if (result < 0)
        {
            throw XdpErrors.FromErrno(-result, $"sizing map {map} to {entries}", interfaceName);
        }
    }
}
