using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using System.Runtime.ExceptionServices;
using NerfEngine.Sensor.Capture.Files;
using NerfEngine.Sensor.Flows;
using NerfEngine.Sensor.Parsing;

namespace NerfEngine.Sensor.Pipeline;

/// <summary>
/// One capture record after parsing: what the flow tracker's side of a replay needs of it, and no more
/// (it is written on one core and read on the other; the whole ParsedPacket was twice the size).
/// </summary>
internal struct ParsedRecord
{
    /// <summary>For IP packets (<see cref="IsIp"/>): the packet keyed for the tracker; default otherwise.</summary>
    public KeyedPacket Packet;
    public long TimestampNs;
    public ParseOutcome Outcome;

    /// <summary>An IP fragment (counted beside the outcome).</summary>
    public bool IsFragment;

    public readonly bool IsIp => Outcome is ParseOutcome.Ipv4 or ParseOutcome.Ipv6;
}

/// <summary>
/// Consecutive records of a capture file, parsed, handed from the <see cref="ReadAheadParser"/> thread to
/// the replay loop and back for reuse (so steady state allocates nothing). Records sit inline in one
/// array: the loop walks them in order, and a record is never copied on the way.
/// </summary>
internal sealed class ParsedRecordBlock
{
    /// <summary>Records per block: enough that handing a block over costs little per record, few enough to stay in cache.</summary>
    public const int Capacity = 2048;

    /// <summary>How many records ahead the consuming loop asks for a record's cache lines (they were written on the other core).</summary>
    public const int PrefetchRecordsAhead = 8;

    private const int CacheLineLength = 64;

    /// <summary>Pinned, so a record's address can be handed to the prefetch instruction.</summary>
    private readonly ParsedRecord[] _records = GC.AllocateArray<ParsedRecord>(Capacity, pinned: true);

    /// <summary>Records filled, at most <see cref="Capacity"/>.</summary>
    public int Count { get; private set; }

    /// <summary>The reader's record count after this block: the replay's progress once the block is processed.</summary>
    public long RecordsRead { get; private set; }

    /// <summary>File offset just past this block's last record.</summary>
    public long FilePosition { get; private set; }

    /// <summary>What stopped the reader after this block's records (a broken or cut file, an I/O error); null if nothing did.</summary>
    public ExceptionDispatchInfo? ReadError { get; private set; }

    /// <summary>True when this is the last block of the file (end of file or <see cref="ReadError"/>).</summary>
    public bool IsLast { get; private set; }

    public ref readonly ParsedRecord this[int index] => ref _records[index];

    /// <summary>
    /// Asks for the cache lines of record <paramref name="index"/> (a hint: never faults). The records were
    /// written on the other core; fetching a few ahead hides that transfer behind the records before them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe void Prefetch(int index)
    {
        if (Sse.IsSupported && (uint)index < (uint)Count)
        {
            byte* record = (byte*)Unsafe.AsPointer(ref _records[index]);
            Sse.Prefetch0(record);
            Sse.Prefetch0(record + CacheLineLength);
        }
    }

    /// <summary>
    /// Reads and parses up to <see cref="Capacity"/> records. A reader error ends the block instead of
    /// escaping: the records before it are still delivered, then the replay loop rethrows it, exactly
    /// where a single-threaded loop would have met it.
    /// </summary>
    /// <param name="reader">The file.</param>
    /// <param name="keyer">
    /// The <see cref="FlowTracker.Keyer"/> of the tracker the records are for: IP packets get their flow key here, off
    /// the tracker's thread. The caller's own copy, so keying never reads the tracker object.
    /// </param>
    [MethodImpl(HotPath.Optimize)]
    public void Fill(CaptureFileReader reader, in FlowKeyer keyer)
    {
        Count = 0;
        ReadError = null;
        IsLast = false;
        try
        {
            ParsedRecord[] records = _records;
            // pcap, the common case, is read through its sealed type: a direct call the precompiled image can inline,
            // not a virtual call through a stub for every record.
            var pcap = reader as PcapFileReader;
            while (Count < records.Length)
            {
                if (!(pcap is not null ? pcap.MoveNext() : reader.MoveNext()))
                {
                    IsLast = true;
                    break;
                }

                CaptureRecord record = reader.Current;
                ref ParsedRecord parsed = ref records[Count];
                parsed.TimestampNs = record.TimestampNanoseconds;
                ParseOutcome outcome = PacketParser.Parse(record.Data, out ParsedPacket packet, record.OriginalLength, linkType: record.LinkType);
                parsed.Outcome = outcome;
                parsed.IsFragment = packet.IsFragment;
                if (parsed.IsIp)
                {
                    keyer.KeyOf(in packet, out parsed.Packet);
                }

                Count++;
            }
        }
        catch (Exception ex)
        {
            ReadError = ExceptionDispatchInfo.Capture(ex);
            IsLast = true;
        }

        RecordsRead = reader.RecordsRead;
        FilePosition = reader.FilePosition;
    }
}
