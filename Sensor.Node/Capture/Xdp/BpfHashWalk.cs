using NerfEngine.Sensor.Capture.Native;

namespace NerfEngine.Sensor.Capture.Xdp;

/// <summary>Receives the elements of a BPF hash map walk; a struct so the walk is specialised per handler.</summary>
internal interface IBpfEntryHandler<TKey, TValue>
    where TKey : unmanaged
    where TValue : unmanaged
{
    void OnEntry(in TKey key, in TValue value);
}

/// <summary>
/// Walks a BPF hash map in chunks with BPF_MAP_LOOKUP_BATCH / BPF_MAP_LOOKUP_AND_DELETE_BATCH (kernel &gt;= 5.6 for
/// hash and LRU hash maps): NULL in_batch starts, out_batch feeds the next call, -ENOENT (with the last elements
/// in count) ends. Where the kernel lacks batch ops (EINVAL/ENOTSUPP on the first call) or the caller asks, it
/// falls back to bpf_map_get_next_key with lookup and delete per element. Buffers are pinned and reused.
/// </summary>
/// <remarks>One thread at a time. The batch token of a hash map is a bucket index (at least 4 bytes; 8 here).</remarks>
internal sealed unsafe class BpfHashWalk<TKey, TValue>
    where TKey : unmanaged
    where TValue : unmanaged
{
    /// <summary>Elements per batch call.</summary>
    public const int DefaultChunk = 4096;

    private readonly string _mapName;
    private readonly TKey[] _keys;
    private readonly TValue[] _values;

    public BpfHashWalk(string mapName, bool useBatch, int chunk = DefaultChunk)
    {
        _mapName = mapName;
        UsesBatch = useBatch;
        _keys = GC.AllocateArray<TKey>(chunk, pinned: true);
        _values = GC.AllocateArray<TValue>(chunk, pinned: true);
    }

    /// <summary>False once the kernel refused batch operations (or when asked not to use them).</summary>
    public bool UsesBatch { get; private set; }

    /// <summary>Reads every element and deletes it; returns how many were handed over.</summary>
    public long ReadAndDelete<THandler>(int fd, ref THandler handler)
        where THandler : struct, IBpfEntryHandler<TKey, TValue>
    {
        if (UsesBatch && TryBatch(fd, delete: true, ref handler, out long count))
        {
            return count;
        }
        return ReadAndDeleteEach(fd, ref handler);
    }

    /// <summary>Reads every element without deleting it (entries may change while the walk runs).</summary>
    public long Read<THandler>(int fd, ref THandler handler)
        where THandler : struct, IBpfEntryHandler<TKey, TValue>
    {
        if (UsesBatch && TryBatch(fd, delete: false, ref handler, out long count))
        {
            return count;
        }
        return ReadEach(fd, ref handler);
    }

    private bool TryBatch<THandler>(int fd, bool delete, ref THandler handler, out long total)
        where THandler : struct, IBpfEntryHandler<TKey, TValue>
    {
        total = 0;
        ulong inToken = 0;
        ulong outToken = 0;
        bool first = true;
        fixed (TKey* keys = _keys)
        fixed (TValue* values = _values)
        {
            while (true)
            {
                uint count = (uint)_keys.Length;
                BpfMapBatchOptions options = BpfMapBatchOptions.Create();
                void* start = first ? null : &inToken;
                int result = delete
                    ? LibBpf.MapLookupAndDeleteBatch(fd, start, &outToken, keys, values, &count, &options)
                    : LibBpf.MapLookupBatch(fd, start, &outToken, keys, values, &count, &options);
                int errno = result < 0 ? -result : 0;
                if (errno is not (0 or Errno.ENOENT))
                {
                    if (first && count == 0 && errno is Errno.EINVAL or XdpErrors.ENOTSUPP or XdpErrors.EOPNOTSUPP)
                    {
                        UsesBatch = false;
                        return false;
                    }
                    throw new CaptureException(CaptureFailure.SystemCallFailed,
                        $"{(delete ? "draining" : "reading")} BPF map {_mapName} failed: {XdpErrors.Describe(errno)}", errno);
                }
                for (int i = 0; i < (int)count; i++)
                {
                    handler.OnEntry(in keys[i], in values[i]);
                }
                total += count;
                if (errno == Errno.ENOENT)
                {
                    return true;
                }
                inToken = outToken;
                first = false;
            }
        }
    }

    private long ReadAndDeleteEach<THandler>(int fd, ref THandler handler)
        where THandler : struct, IBpfEntryHandler<TKey, TValue>
    {
        long total = 0;
        TKey key;
        TValue value;
        // Always take the first key: the element just deleted cannot be used as a cursor.
        while (LibBpf.MapGetNextKey(fd, null, &key) == 0)
        {
            bool found = LibBpf.MapLookup(fd, &key, &value) == 0;
            if (LibBpf.MapDelete(fd, &key) != 0)
            {
                break; // nothing can be deleted (a program re-inserted it, or the map is not ours): stop, never spin
            }
            if (found)
            {
                handler.OnEntry(in key, in value);
                total++;
            }
        }
        return total;
    }

    private long ReadEach<THandler>(int fd, ref THandler handler)
        where THandler : struct, IBpfEntryHandler<TKey, TValue>
    {
        long total = 0;
        TKey key;
        TKey next;
        TValue value;
        void* cursor = null;
        while (LibBpf.MapGetNextKey(fd, cursor, &next) == 0)
        {
            key = next;
            cursor = &key;
            if (LibBpf.MapLookup(fd, &key, &value) == 0)
            {
                handler.OnEntry(in key, in value);
                total++;
            }
        }
        return total;
    }
}
