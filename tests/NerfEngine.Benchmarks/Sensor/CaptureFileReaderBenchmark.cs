using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using NerfEngine.Sensor.Capture.Files;
using NerfEngine.Sensor.Parsing;

namespace NerfEngine.Benchmarks.Sensor;

/// <summary>
/// Per-record cost of <see cref="CaptureFileReader"/> on a pcap in memory (no disk, no page cache),
/// against the floor of any reader: copying the same bytes through a 256 KiB window, as the reader's
/// own stream reads do. The file (about 50 MB) is larger than the caches, as capture files are. The
/// reader decodes records in place in its window, so Read should stay close to the floor; Allocated
/// must read 0 B (reader and window are opened in the iteration setup; nothing is allocated per record).
/// ReadAndParse adds the parser, as the replay's read-ahead thread runs them.
/// </summary>
[MemoryDiagnoser]
public class CaptureFileReaderBenchmark
{
    private const int RecordCount = 65_536;

    private byte[] _file = [];
    private readonly byte[] _window = new byte[256 * 1024];
    private CaptureFileReader? _reader;
    private MemoryStream? _copySource;

    [GlobalSetup]
    public void Setup()
    {
        var stream = new MemoryStream();
        using (var writer = new PcapWriter(stream, leaveOpen: true))
        {
            for (int i = 0; i < RecordCount; i++)
            {
                writer.WriteRecord(1_700_000_000_000_000_000 + i * 10_000L, Frame(i));
            }
        }

        _file = stream.ToArray();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = RecordCount)]
    public long CopyThroughWindow()
    {
        long total = 0;
        int read;
        while ((read = _copySource!.Read(_window)) > 0)
        {
            total += _window[read - 1];
        }

        return total;
    }

    /// <summary>For every method, the baseline included, so all run in one job and the ratios are comparable.</summary>
    [IterationSetup]
    public void OpenReader()
    {
        _reader = CaptureFileReader.Open(new MemoryStream(_file, writable: false));
        _copySource = new MemoryStream(_file, writable: false);
    }

    [IterationCleanup]
    public void CloseReader() => _reader?.Dispose();

    [Benchmark(OperationsPerInvoke = RecordCount)]
    public long Read()
    {
        long total = 0;
        CaptureFileReader reader = _reader!;
        while (reader.MoveNext())
        {
            CaptureRecord record = reader.Current;
            total += record.Data[12] + record.Data.Length;
        }

        return total;
    }

    [Benchmark(OperationsPerInvoke = RecordCount)]
    public long ReadAndParse()
    {
        long total = 0;
        CaptureFileReader reader = _reader!;
        while (reader.MoveNext())
        {
            CaptureRecord record = reader.Current;
            PacketParser.Parse(record.Data, out ParsedPacket packet, record.OriginalLength, linkType: record.LinkType);
            total += packet.IpTotalLength + packet.SourcePort;
        }

        return total;
    }

    /// <summary>Ethernet/IPv4/UDP frames of 60 to 1,460 bytes, like the mix scripts/bench-capture.sh generates.</summary>
    private static byte[] Frame(int i)
    {
        int payload = i * 37 % 1_400;
        var frame = new byte[14 + 20 + 8 + payload];
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), 0x0800);
        frame[14] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(16), (ushort)(20 + 8 + payload));
        frame[22] = 64;
        frame[23] = 17;
        frame[26] = 10;
        frame[29] = (byte)(i % 250 + 1);
        frame[30] = 10;
        frame[33] = 1;
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(34), (ushort)(20_000 + i % 1_000));
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(36), 53);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(38), (ushort)(8 + payload));
        return frame;
    }
}
