using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using NerfEngine.Sensor.Capture.Files;
using NerfEngine.Sensor.Flows;
using NerfEngine.Sensor.Parsing;

namespace NerfEngine.Sensor.Pipeline;

/// <summary>One capture record after parsing: what the flow tracker's side of a replay needs of it.</summary>
internal struct ParsedRecord
{
    public ParsedPacket Packet;

    /// <summary>For IP packets (<see cref="IsIp"/>), the flow key and its hash, computed on the parsing thread (<see cref="FlowTracker.KeyOf"/>).</summary>
    public FlowKey Key;
    public ulong Hash;
    public long TimestampNs;
    public ParseOutcome Outcome;
    public bool SenderIsA;

    public readonly bool IsIp => Outcome is ParseOutcome.Ipv4 or ParseOutcome.Ipv6;
}

/// <summary>
/// Consecutive records of a capture file, parsed, handed from the <see cref="ReadAheadParser"/> thread to
/// the replay loop and back for reuse (so steady state allocates nothing). Records sit inline in one
/// array: the loop walks them in order, and an 84-byte ParsedPacket is never copied on the way.
/// </summary>
internal sealed class ParsedRecordBlock
{
    /// <summary>Records per block: enough that handing a block over costs little per record, few enough to stay in cache.</summary>
    public const int Capacity = 512;

    private readonly ParsedRecord[] _records = new ParsedRecord[Capacity];

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
    /// Reads and parses up to <see cref="Capacity"/> records. A reader error ends the block instead of
    /// escaping: the records before it are still delivered, then the replay loop rethrows it, exactly
    /// where a single-threaded loop would have met it.
    /// </summary>
    /// <param name="reader">The file.</param>
    /// <param name="keys">The tracker the records are for: IP packets get their flow key here, off the tracker's thread.</param>
    [MethodImpl(HotPath.Optimize)]
    public void Fill(CaptureFileReader reader, FlowTracker keys)
    {
        Count = 0;
        ReadError = null;
        IsLast = false;
        try
        {
            ParsedRecord[] records = _records;
            while (Count < records.Length)
            {
                if (!reader.MoveNext())
                {
                    IsLast = true;
                    break;
                }

                CaptureRecord record = reader.Current;
                ref ParsedRecord parsed = ref records[Count];
                parsed.TimestampNs = record.TimestampNanoseconds;
                parsed.Outcome = PacketParser.Parse(record.Data, out parsed.Packet, record.OriginalLength, linkType: record.LinkType);
                if (parsed.IsIp)
                {
                    parsed.Hash = keys.KeyOf(in parsed.Packet, out parsed.Key, out parsed.SenderIsA);
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
