using System.Runtime.InteropServices;

namespace NerfEngine.Sensor.Capture.Native;

/// <summary>
/// The libbpf 1.x calls the XDP engine needs (libbpf.so.1, Debian 12's libbpf1 1.1), declared with
/// <c>[LibraryImport]</c> over raw pointers. libbpf 1.0 error contract: calls returning int give a
/// negative errno (and set errno); calls returning a pointer give NULL and set errno
/// (libbpf.h, "LIBBPF_STRICT_CLEAN_PTRS / DIRECT_ERRS" are the 1.0 defaults).
/// </summary>
internal static unsafe partial class LibBpf
{
    /// <summary>The shared object name (the SONAME Debian's libbpf1 installs).</summary>
    public const string Library = "libbpf.so.1";

    /// <summary>enum bpf_attach_type BPF_XDP (uapi linux/bpf.h).</summary>
    public const int AttachTypeXdp = 37;

    /// <summary>XDP_FLAGS_SKB_MODE (uapi linux/if_link.h): generic XDP, after the skb is built.</summary>
    public const uint XdpFlagsSkbMode = 1u << 1;

    /// <summary>XDP_FLAGS_DRV_MODE: native XDP in the driver's receive path.</summary>
    public const uint XdpFlagsDriverMode = 1u << 2;

    /// <summary>BPF_NOEXIST / BPF_ANY update flags.</summary>
    public const ulong UpdateAny = 0;

    /// <summary>bpf_object* bpf_object__open_file(const char *path, const struct bpf_object_open_opts *opts).</summary>
    [LibraryImport(Library, EntryPoint = "bpf_object__open_file", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint ObjectOpenFile(string path, void* options);

    /// <summary>int bpf_object__load(struct bpf_object *obj): creates maps, verifies and loads programs.</summary>
    [LibraryImport(Library, EntryPoint = "bpf_object__load", SetLastError = true)]
    public static partial int ObjectLoad(nint obj);

    /// <summary>void bpf_object__close(struct bpf_object *obj): closes every map and program fd it owns.</summary>
    [LibraryImport(Library, EntryPoint = "bpf_object__close")]
    public static partial void ObjectClose(nint obj);

    /// <summary>struct bpf_map *bpf_object__find_map_by_name(obj, name); NULL when absent.</summary>
    [LibraryImport(Library, EntryPoint = "bpf_object__find_map_by_name", StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint ObjectFindMap(nint obj, string name);

    /// <summary>struct bpf_program *bpf_object__find_program_by_name(obj, name); NULL when absent.</summary>
    [LibraryImport(Library, EntryPoint = "bpf_object__find_program_by_name", StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint ObjectFindProgram(nint obj, string name);

    /// <summary>int bpf_map__fd(const struct bpf_map *map); valid after load.</summary>
    [LibraryImport(Library, EntryPoint = "bpf_map__fd")]
    public static partial int MapFd(nint map);

    /// <summary>int bpf_map__set_max_entries(map, n); only before load (ring buffers: bytes, a power-of-2 page multiple).</summary>
    [LibraryImport(Library, EntryPoint = "bpf_map__set_max_entries", SetLastError = true)]
    public static partial int MapSetMaxEntries(nint map, uint maxEntries);

    /// <summary>int bpf_map__pin(map, path): pins the loaded map in bpffs.</summary>
    [LibraryImport(Library, EntryPoint = "bpf_map__pin", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int MapPin(nint map, string path);

    /// <summary>int bpf_map__unpin(map, path).</summary>
    [LibraryImport(Library, EntryPoint = "bpf_map__unpin", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int MapUnpin(nint map, string path);

    /// <summary>int bpf_program__fd(const struct bpf_program *prog); valid after load.</summary>
    [LibraryImport(Library, EntryPoint = "bpf_program__fd")]
    public static partial int ProgramFd(nint program);

    /// <summary>
    /// int bpf_link_create(prog_fd, target_fd, attach_type, opts): for BPF_XDP, target_fd is the ifindex and
    /// opts-&gt;flags one XDP_FLAGS_*_MODE (kernel &gt;= 5.9, net/core/dev.c bpf_xdp_link_attach). The link
    /// detaches when its last fd closes, so a crashed sensor leaves no program behind.
    /// </summary>
    [LibraryImport(Library, EntryPoint = "bpf_link_create", SetLastError = true)]
    public static partial int LinkCreate(int programFd, int targetFd, int attachType, BpfLinkCreateOptions* options);

    /// <summary>int bpf_obj_pin(int fd, const char *pathname).</summary>
    [LibraryImport(Library, EntryPoint = "bpf_obj_pin", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int ObjectPin(int fd, string path);

    /// <summary>int bpf_xdp_query(ifindex, flags, opts): ids of the programs attached in each mode.</summary>
    [LibraryImport(Library, EntryPoint = "bpf_xdp_query", SetLastError = true)]
    public static partial int XdpQuery(int ifindex, int flags, BpfXdpQueryOptions* options);

    /// <summary>struct ring_buffer *ring_buffer__new(map_fd, sample_cb, ctx, opts): NULL on error (errno set).</summary>
    [LibraryImport(Library, EntryPoint = "ring_buffer__new", SetLastError = true)]
    public static partial nint RingBufferNew(int mapFd, delegate* unmanaged<void*, void*, nuint, int> sample, void* context, void* options);

    /// <summary>int ring_buffer__add(rb, map_fd, sample_cb, ctx): one more ring in the same epoll set.</summary>
    [LibraryImport(Library, EntryPoint = "ring_buffer__add", SetLastError = true)]
    public static partial int RingBufferAdd(nint ringBuffer, int mapFd, delegate* unmanaged<void*, void*, nuint, int> sample, void* context);

    /// <summary>
    /// int ring_buffer__poll(rb, timeout_ms): epoll-waits, then consumes every ready ring; returns records
    /// consumed, or a negative errno (-EINTR when a signal interrupted the wait), or a callback's non-zero result.
    /// </summary>
    [LibraryImport(Library, EntryPoint = "ring_buffer__poll", SetLastError = true)]
    public static partial int RingBufferPoll(nint ringBuffer, int timeoutMilliseconds);

    /// <summary>int ring_buffer__consume(rb): consumes what is ready without waiting.</summary>
    [LibraryImport(Library, EntryPoint = "ring_buffer__consume", SetLastError = true)]
    public static partial int RingBufferConsume(nint ringBuffer);

    /// <summary>void ring_buffer__free(rb): unmaps the rings and closes the epoll fd.</summary>
    [LibraryImport(Library, EntryPoint = "ring_buffer__free")]
    public static partial void RingBufferFree(nint ringBuffer);

    /// <summary>int bpf_map_lookup_elem(fd, key, value); for per-CPU maps value holds one slot per possible CPU.</summary>
    [LibraryImport(Library, EntryPoint = "bpf_map_lookup_elem", SetLastError = true)]
    public static partial int MapLookup(int fd, void* key, void* value);

    /// <summary>int bpf_map_update_elem(fd, key, value, flags).</summary>
    [LibraryImport(Library, EntryPoint = "bpf_map_update_elem", SetLastError = true)]
    public static partial int MapUpdate(int fd, void* key, void* value, ulong flags);

    /// <summary>int bpf_map_delete_elem(fd, key).</summary>
    [LibraryImport(Library, EntryPoint = "bpf_map_delete_elem", SetLastError = true)]
    public static partial int MapDelete(int fd, void* key);

    /// <summary>int bpf_map_get_next_key(fd, key, next_key): key NULL starts; -ENOENT after the last.</summary>
    [LibraryImport(Library, EntryPoint = "bpf_map_get_next_key", SetLastError = true)]
    public static partial int MapGetNextKey(int fd, void* key, void* nextKey);

    /// <summary>
    /// int bpf_map_lookup_batch(fd, in_batch, out_batch, keys, values, count, opts): in_batch NULL starts; for
    /// hash maps the batch token is at least 4 bytes; -ENOENT with the last elements in *count ends the walk.
    /// </summary>
    [LibraryImport(Library, EntryPoint = "bpf_map_lookup_batch", SetLastError = true)]
    public static partial int MapLookupBatch(int fd, void* inBatch, void* outBatch, void* keys, void* values, uint* count, BpfMapBatchOptions* options);

    /// <summary>int bpf_map_lookup_and_delete_batch(...): same walk, each element deleted once copied (kernel &gt;= 5.6 for hash maps).</summary>
    [LibraryImport(Library, EntryPoint = "bpf_map_lookup_and_delete_batch", SetLastError = true)]
    public static partial int MapLookupAndDeleteBatch(int fd, void* inBatch, void* outBatch, void* keys, void* values, uint* count, BpfMapBatchOptions* options);

    /// <summary>int bpf_map_delete_batch(fd, keys, count, opts).</summary>
    [LibraryImport(Library, EntryPoint = "bpf_map_delete_batch", SetLastError = true)]
    public static partial int MapDeleteBatch(int fd, void* keys, uint* count, BpfMapBatchOptions* options);

    /// <summary>int bpf_prog_test_run_opts(prog_fd, opts): BPF_PROG_TEST_RUN, runs the program on data_in.</summary>
    [LibraryImport(Library, EntryPoint = "bpf_prog_test_run_opts", SetLastError = true)]
    public static partial int ProgramTestRun(int programFd, BpfTestRunOptions* options);

    /// <summary>libbpf_print_fn_t libbpf_set_print(libbpf_print_fn_t fn): process-wide; returns the previous one.</summary>
    [LibraryImport(Library, EntryPoint = "libbpf_set_print")]
    public static partial nint SetPrint(delegate* unmanaged<int, byte*, nint, int> print);

    /// <summary>int libbpf_num_possible_cpus(void): slots in a per-CPU map value.</summary>
    [LibraryImport(Library, EntryPoint = "libbpf_num_possible_cpus")]
    public static partial int NumPossibleCpus();
}

/// <summary>struct bpf_link_create_opts (bpf/bpf.h, libbpf 1.1, 64 bytes): sz, flags, then fields the XDP link does not use (the union is 32 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct BpfLinkCreateOptions
{
    public nuint Size;
    public uint Flags;
    private uint _padding;
    private nint _iterInfo;
    private uint _iterInfoLength;
    private uint _targetBtfId;
    private nint _union0;
    private nint _union1;
    private nint _union2;
    private nint _union3;

    public static BpfLinkCreateOptions For(uint flags) => new() { Size = (nuint)sizeof(BpfLinkCreateOptions), Flags = flags };
}

/// <summary>struct bpf_xdp_query_opts (bpf/libbpf.h): program ids per attach mode, filled by bpf_xdp_query.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct BpfXdpQueryOptions
{
    public nuint Size;
    public uint ProgramId;
    public uint DriverProgramId;
    public uint HardwareProgramId;
    public uint SkbProgramId;
    public byte AttachMode;
    private byte _pad0;
    private ushort _pad1;
    private uint _pad2;

    public static BpfXdpQueryOptions Create() => new() { Size = (nuint)sizeof(BpfXdpQueryOptions) };
}

/// <summary>struct bpf_map_batch_opts (bpf/bpf.h): sz, elem_flags, flags.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct BpfMapBatchOptions
{
    public nuint Size;
    public ulong ElementFlags;
    public ulong Flags;

    public static BpfMapBatchOptions Create() => new() { Size = (nuint)sizeof(BpfMapBatchOptions) };
}

/// <summary>struct bpf_test_run_opts (bpf/bpf.h, libbpf 1.1).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct BpfTestRunOptions
{
    public nuint Size;
    public void* DataIn;
    public void* DataOut;
    public uint DataSizeIn;
    public uint DataSizeOut;
    public void* ContextIn;
    public void* ContextOut;
    public uint ContextSizeIn;
    public uint ContextSizeOut;
    public uint ReturnValue;
    public int Repeat;
    public uint Duration;
    public uint Flags;
    public uint Cpu;
    public uint BatchSize;

    public static BpfTestRunOptions Create() => new() { Size = (nuint)sizeof(BpfTestRunOptions) };
}
