using FsCheck;
using FsCheck.Fluent;
using NerfEngine.Shared.Messages.Records;

namespace NerfEngine.Tests.SharedMessages.Codecs;

/// <summary>
/// FsCheck generators that reach every bit of a record: full-range 64-bit words (not FsCheck's
/// size-bounded integers), mixed with all-zero and all-one extremes, sliced into fields.
/// </summary>
internal static class RecordGenerators
{
    /// <summary>Any 64-bit value, with the extremes over-represented.</summary>
    public static readonly Gen<ulong> Word = Gen.Frequency(
        (8, Gen.Zip(Gen.Choose(int.MinValue, int.MaxValue), Gen.Choose(int.MinValue, int.MaxValue))
            .Select(p => ((ulong)(uint)p.Item1 << 32) | (uint)p.Item2)),
        (1, Gen.Elements(0UL, ulong.MaxValue, 1UL, 0x8000_0000_0000_0000UL)));

    /// <summary>Any 56-byte pattern as a GraphEdge, including unknown kinds and non-zero reserved bytes.</summary>
    public static readonly Gen<GraphEdge> Edge = Gen.ArrayOf(Word, 7).Select(w => new GraphEdge
    {
        TimestampNs = w[0],
        SrcNode = w[1],
        DstNode = w[2],
        EdgeHash = w[3],
        Packets = (uint)w[4],
        Bytes = (uint)(w[4] >> 32),
        DurationMs = (uint)w[5],
        SrcPort = (ushort)(w[5] >> 32),
        DstPort = (ushort)(w[5] >> 48),
        SensorId = (ushort)w[6],
        Protocol = (byte)(w[6] >> 16),
        Kind = (EdgeKind)(byte)(w[6] >> 24),
        TcpFlags = (byte)(w[6] >> 32),
        IpVersion = (byte)(w[6] >> 40),
        Reserved = (ushort)(w[6] >> 48),
    });

    /// <summary>Any 32-byte pattern as a NodeAddress.</summary>
    public static readonly Gen<NodeAddress> Address = Gen.ArrayOf(Word, 4).Select(w =>
    {
        var address = new NodeAddress { NodeId = w[0], IpVersion = (byte)w[3] };
        BitConverter.TryWriteBytes(address.Address[..8], w[1]);
        BitConverter.TryWriteBytes(address.Address[8..], w[2]);
        BitConverter.TryWriteBytes(address.Reserved, w[3] >> 8);
        return address;
    });

    /// <summary>Arrays of 0 to about 100 edges (FsCheck grows the size as it runs).</summary>
    public static Arbitrary<GraphEdge[]> EdgeArrays() => Gen.ArrayOf(Edge).ToArbitrary();

    /// <summary>Arrays of node addresses.</summary>
    public static Arbitrary<NodeAddress[]> AddressArrays() => Gen.ArrayOf(Address).ToArbitrary();

    /// <summary>Whole numbers of 56-byte records of random bytes.</summary>
    public static Arbitrary<byte[]> PackedEdgeBytes() =>
        Gen.Choose(0, 40)
            .SelectMany(n => Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), n * GraphEdge.Size))
            .ToArbitrary();
}
