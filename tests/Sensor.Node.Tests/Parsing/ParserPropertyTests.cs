using FsCheck;
using FsCheck.Fluent;
using NerfEngine.Sensor.Parsing;
using NerfEngine.Tests.SensorNode.Support;

namespace NerfEngine.Tests.SensorNode.Parsing;

/// <summary>
/// The parser's contract on hostile input: it never throws, every frame gets exactly one outcome, and
/// what it reports stays inside the frame. Checked on random bytes and on mutated valid frames.
/// </summary>
public sealed class ParserPropertyTests
{
    private static readonly LinkType[] _linkTypes = [LinkType.Ethernet, LinkType.RawIp, LinkType.LinuxSll, LinkType.LinuxSll2, LinkType.Ipv6, (LinkType)999];

    /// <summary>A frame plus the metadata a capture would deliver with it.</summary>
    public sealed record FrameInput(byte[] Bytes, int OriginalLength, ushort VlanTci, bool HasVlan, LinkType LinkType);

    [Fact]
    public void Random_bytes_never_throw_and_each_frame_lands_in_exactly_one_counter()
    {
        Gen<FrameInput> frames =
            from length in Gen.Choose(0, 160)
            from bytes in Gen.ArrayOf(ArbMap.Default.GeneratorFor<byte>(), length)
            from metadata in Metadata(length)
            select metadata with { Bytes = bytes };

        Prop.ForAll(Gen.ArrayOf(frames).ToArbitrary(), AllLandInOneCounter)
            .Check(Config.QuickThrowOnFailure.WithMaxTest(300));
    }

    [Fact]
    public void Mutated_valid_frames_never_throw_and_each_lands_in_exactly_one_counter()
    {
        Gen<FrameInput> frames =
            from seed in Gen.Elements(FrameCorpus.ValidFrames.ToArray())
            from flips in Gen.ArrayOf(Gen.Choose(0, seed.Length * 8 - 1), 3)
            from cut in Gen.Choose(0, seed.Length)
            from metadata in Metadata(cut)
            select metadata with { Bytes = Mutate(seed, flips, cut), LinkType = LinkType.Ethernet };

        Prop.ForAll(Gen.ArrayOf(frames).ToArbitrary(), AllLandInOneCounter)
            .Check(Config.QuickThrowOnFailure.WithMaxTest(500));
    }

    [Fact]
    public void Every_valid_frame_truncated_at_every_length_and_with_every_single_bit_flipped_is_counted_once()
    {
        var inputs = new List<FrameInput>();
        foreach (byte[] seed in FrameCorpus.ValidFrames)
        {
            for (int length = 0; length <= seed.Length; length++)
            {
                inputs.Add(new FrameInput(seed[..length], -1, 0, false, LinkType.Ethernet));
                inputs.Add(new FrameInput(seed[..length], seed.Length, 0, false, LinkType.Ethernet)); // snap-length cut
            }
            for (int bit = 0; bit < seed.Length * 8; bit++)
            {
                inputs.Add(new FrameInput(Mutate(seed, [bit], seed.Length), -1, 0, false, LinkType.Ethernet));
            }
        }

        Assert.True(AllLandInOneCounter([.. inputs]));
    }

    [Fact]
    public void Unmutated_corpus_frames_all_parse_successfully()
    {
        foreach (byte[] frame in FrameCorpus.ValidFrames)
        {
            Assert.True(PacketParser.Parse(frame, out _).IsSuccess());
        }
    }

    private static Gen<FrameInput> Metadata(int capturedLength) =>
        from extra in Gen.Frequency((3, Gen.Constant(0)), (1, Gen.Choose(1, 2000)), (1, Gen.Constant(-1)))
        from tci in Gen.Choose(0, ushort.MaxValue)
        from hasVlan in ArbMap.Default.GeneratorFor<bool>()
        from linkType in Gen.Elements(_linkTypes)
        select new FrameInput([], extra < 0 ? -1 : capturedLength + extra, (ushort)tci, hasVlan, linkType);

    private static byte[] Mutate(byte[] seed, int[] bitFlips, int length)
    {
        byte[] copy = (byte[])seed.Clone();
        foreach (int bit in bitFlips)
        {
            copy[bit / 8] ^= (byte)(1 << (bit % 8));
        }
        return copy[..length];
    }

    /// <summary>Parses every frame, checks its report stays inside the frame, and checks the counters add up.</summary>
    private static bool AllLandInOneCounter(FrameInput[] frames)
    {
        var counters = new ParseCounters();
        foreach (FrameInput frame in frames)
        {
            ParseOutcome outcome = PacketParser.Parse(frame.Bytes, out ParsedPacket packet, frame.OriginalLength, frame.VlanTci, frame.HasVlan, frame.LinkType);
            if (!Enum.IsDefined(outcome) || !ReportStaysInsideFrame(outcome, packet, frame))
            {
                return false;
            }
            counters.Record(outcome, packet);
        }
        long[] perOutcome = counters.Snapshot();
        return counters.Total == frames.Length && perOutcome.Sum() == frames.Length && perOutcome.All(count => count >= 0);
    }

    private static bool ReportStaysInsideFrame(ParseOutcome outcome, in ParsedPacket packet, FrameInput frame)
    {
        if (!outcome.IsSuccess())
        {
            return true;
        }
        return packet.CapturedLength == frame.Bytes.Length
            && packet.FrameLength >= packet.CapturedLength
            && packet.AddressLength is 0 or 4 or 16
            && packet.IpCapturedLength <= packet.IpTotalLength
            && packet.NetworkOffset + packet.IpTotalLength <= packet.FrameLength
            && packet.TransportOffset < Math.Max(1, packet.CapturedLength)
            && packet.VlanCount <= 2
            && (outcome != ParseOutcome.NonIp || packet.IpVersion == 0);
    }
}
