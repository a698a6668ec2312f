using System.Text;
using FsCheck;
using FsCheck.Fluent;
using NerfEngine.Sensor.Capture.EveJson;

namespace NerfEngine.Tests.SensorNode.Capture.EveJson;

/// <summary>
/// The mapper's contract on bad input: it never throws, never emits for a bad line, and every line
/// lands in exactly one counter, the one named for what is wrong with it.
/// </summary>
public sealed class EveMalformedLineTests
{
    private const string Ts = "\"timestamp\":\"2024-01-15T10:30:05.654321+0000\"";
    private const string Tuple = "\"src_ip\":\"10.0.0.5\",\"src_port\":51234,\"dest_ip\":\"10.0.0.6\",\"dest_port\":443,\"proto\":\"TCP\"";
    private const string Counters = "\"flow\":{\"pkts_toserver\":1,\"pkts_toclient\":1,\"bytes_toserver\":60,\"bytes_toclient\":60}";

    [Theory]
    [InlineData("", EveLineOutcome.BlankLine)]
    [InlineData(" \t ", EveLineOutcome.BlankLine)]
    [InlineData("{", EveLineOutcome.MalformedJson)]
    [InlineData("not json", EveLineOutcome.MalformedJson)]
    [InlineData("{\"event_type\":\"flow\"} trailing", EveLineOutcome.MalformedJson)]
    [InlineData("{\"event_type\":\"stats\"}{\"event_type\":\"stats\"}", EveLineOutcome.MalformedJson)]
    [InlineData("{\"event_type\":\"stats\",}", EveLineOutcome.MalformedJson)]
    [InlineData("{\"event_type\":\"stats\" /* c */}", EveLineOutcome.MalformedJson)]
    [InlineData("[1,2]", EveLineOutcome.NotAnObject)]
    [InlineData("42", EveLineOutcome.NotAnObject)]
    [InlineData("\"flow\"", EveLineOutcome.NotAnObject)]
    [InlineData("{" + Ts + "}", EveLineOutcome.MissingEventType)]
    [InlineData("{\"event_type\":5}", EveLineOutcome.MissingEventType)]
    [InlineData("{\"event_type\":\"flow\"," + Tuple + "," + Counters + "}", EveLineOutcome.MissingTimestamp)]
    [InlineData("{\"timestamp\":\"2024-01-15 10:30\",\"event_type\":\"flow\"," + Tuple + "," + Counters + "}", EveLineOutcome.BadTimestamp)]
    [InlineData("{\"timestamp\":1705314605,\"event_type\":\"flow\"," + Tuple + "," + Counters + "}", EveLineOutcome.BadTimestamp)]
    [InlineData("{" + Ts + ",\"event_type\":\"flow\"," + Tuple + ",\"flow\":{\"pkts_toserver\":1,\"pkts_toclient\":1,\"bytes_toserver\":60,\"bytes_toclient\":60,\"end\":\"yesterday\"}}", EveLineOutcome.BadTimestamp)]
    [InlineData("{" + Ts + ",\"event_type\":\"flow\",\"dest_ip\":\"10.0.0.6\",\"proto\":\"TCP\"," + Counters + "}", EveLineOutcome.MissingAddress)]
    [InlineData("{" + Ts + ",\"event_type\":\"flow\",\"src_ip\":\"10.0.0.256\",\"dest_ip\":\"10.0.0.6\",\"proto\":\"TCP\"," + Counters + "}", EveLineOutcome.BadAddress)]
    [InlineData("{" + Ts + ",\"event_type\":\"flow\",\"src_ip\":\"10.0.0\",\"dest_ip\":\"10.0.0.6\",\"proto\":\"TCP\"," + Counters + "}", EveLineOutcome.BadAddress)]
    [InlineData("{" + Ts + ",\"event_type\":\"flow\",\"src_ip\":167772165,\"dest_ip\":\"10.0.0.6\",\"proto\":\"TCP\"," + Counters + "}", EveLineOutcome.BadAddress)]
    [InlineData("{" + Ts + ",\"event_type\":\"flow\",\"src_ip\":\"fe80::1%eth0\",\"dest_ip\":\"fe80::2\",\"proto\":\"TCP\"," + Counters + "}", EveLineOutcome.BadAddress)]
    [InlineData("{" + Ts + ",\"event_type\":\"flow\",\"src_ip\":\"10.0.0.5\",\"dest_ip\":\"2001:db8::1\",\"proto\":\"TCP\"," + Counters + "}", EveLineOutcome.AddressFamilyMismatch)]
    [InlineData("{" + Ts + ",\"event_type\":\"flow\",\"src_ip\":\"10.0.0.5\",\"dest_ip\":\"10.0.0.6\"," + Counters + "}", EveLineOutcome.MissingProtocol)]
    [InlineData("{" + Ts + ",\"event_type\":\"flow\",\"src_ip\":\"10.0.0.5\",\"dest_ip\":\"10.0.0.6\",\"proto\":\"FOO\"," + Counters + "}", EveLineOutcome.BadProtocol)]
    [InlineData("{" + Ts + ",\"event_type\":\"flow\",\"src_ip\":\"10.0.0.5\",\"dest_ip\":\"10.0.0.6\",\"proto\":300," + Counters + "}", EveLineOutcome.BadProtocol)]
    [InlineData("{" + Ts + ",\"event_type\":\"flow\",\"src_ip\":\"10.0.0.5\",\"src_port\":70000,\"dest_ip\":\"10.0.0.6\",\"proto\":\"TCP\"," + Counters + "}", EveLineOutcome.BadPort)]
    [InlineData("{" + Ts + ",\"event_type\":\"flow\",\"src_ip\":\"10.0.0.5\",\"dest_port\":-1,\"dest_ip\":\"10.0.0.6\",\"proto\":\"TCP\"," + Counters + "}", EveLineOutcome.BadPort)]
    [InlineData("{" + Ts + ",\"event_type\":\"flow\",\"src_ip\":\"10.0.0.5\",\"dest_port\":\"80\",\"dest_ip\":\"10.0.0.6\",\"proto\":\"TCP\"," + Counters + "}", EveLineOutcome.BadPort)]
    [InlineData("{" + Ts + ",\"event_type\":\"flow\"," + Tuple + "}", EveLineOutcome.MissingCounters)]
    [InlineData("{" + Ts + ",\"event_type\":\"flow\"," + Tuple + ",\"flow\":{\"pkts_toserver\":1.5,\"pkts_toclient\":1,\"bytes_toserver\":60,\"bytes_toclient\":60}}", EveLineOutcome.BadCounter)]
    [InlineData("{" + Ts + ",\"event_type\":\"flow\"," + Tuple + ",\"flow\":{\"pkts_toserver\":-1,\"pkts_toclient\":1,\"bytes_toserver\":60,\"bytes_toclient\":60}}", EveLineOutcome.BadCounter)]
    [InlineData("{" + Ts + ",\"event_type\":\"flow\"," + Tuple + "," + Counters + ",\"tcp\":{\"tcp_flags\":\"zz\"}}", EveLineOutcome.BadTcpFlags)]
    [InlineData("{" + Ts + ",\"event_type\":\"alert\"," + Tuple + "}", EveLineOutcome.MissingAlertMetadata)]
    [InlineData("{" + Ts + ",\"event_type\":\"alert\"," + Tuple + ",\"alert\":{\"signature_id\":\"abc\"}}", EveLineOutcome.BadAlertMetadata)]
    [InlineData("{" + Ts + ",\"event_type\":\"alert\"," + Tuple + ",\"alert\":{\"signature_id\":1,\"severity\":-2}}", EveLineOutcome.BadAlertMetadata)]
    [InlineData("{" + Ts + ",\"event_type\":\"dns\"," + Tuple + "}", EveLineOutcome.MissingDnsType)]
    [InlineData("{" + Ts + ",\"event_type\":\"dns\"," + Tuple + ",\"dns\":{\"type\":\"unknown\"}}", EveLineOutcome.DnsOther)]
    public void Each_kind_of_bad_line_lands_in_its_own_counter_and_emits_nothing(string line, EveLineOutcome expected)
    {
        var sink = new RecordingEdgeSink();
        var mapper = new EveEventMapper();

        EveLineOutcome outcome = mapper.Map(Encoding.UTF8.GetBytes(line), sink);

        Assert.Equal(expected, outcome);
        Assert.Empty(sink.Edges);
        Assert.Empty(sink.Addresses);
        EveMapperStats stats = mapper.GetStats();
        Assert.Equal(1, stats.Outcomes[expected]);
        Assert.Equal(1, stats.Lines);
        Assert.Equal(expected.IsError() ? 1 : 0, stats.ParseErrors);
    }

    [Fact]
    public void Invalid_utf8_inside_an_escaped_string_is_malformed_not_a_crash()
    {
        byte[] line = [.. "{\"event_type\":\"a\\n"u8, 0xC3, 0x28, .. "\"}"u8];

        EveLineOutcome outcome = new EveEventMapper().Map(line, new RecordingEdgeSink());

        Assert.True(outcome is EveLineOutcome.MalformedJson or EveLineOutcome.IgnoredEventType, outcome.ToString());
    }

    [Fact]
    public void Random_lines_never_throw_and_each_lands_in_exactly_one_counter()
    {
        Gen<byte> jsonish = Gen.Elements("{}[]\":,.-+0123456789eEtrufalsn \\/abcxyz\u00e9"u8.ToArray());
        Gen<byte[]> lines =
            from length in Gen.Choose(0, 120)
            from bytes in Gen.OneOf(Gen.ArrayOf(jsonish, length), Gen.ArrayOf(ArbMap.Default.GeneratorFor<byte>(), length))
            select bytes;

        Prop.ForAll(Gen.ArrayOf(lines).ToArbitrary(), EachLandsInExactlyOneCounter)
            .Check(Config.QuickThrowOnFailure.WithMaxTest(300));
    }

    [Fact]
    public void Mutated_suricata_lines_never_throw_and_each_lands_in_exactly_one_counter()
    {
        byte[][] seeds = [.. EveLines.All.Select(Encoding.UTF8.GetBytes)];
        Gen<byte[]> mutants =
            from seed in Gen.Elements(seeds)
            from count in Gen.Choose(1, 4)
            from edits in Gen.ArrayOf(Edit(seed.Length), count)
            from cut in Gen.Frequency((3, Gen.Constant(seed.Length)), (1, Gen.Choose(0, seed.Length)))
            select Mutate(seed, edits, cut);

        Prop.ForAll(Gen.ArrayOf(mutants).ToArbitrary(), EachLandsInExactlyOneCounter)
            .Check(Config.QuickThrowOnFailure.WithMaxTest(500));
    }

    [Fact]
    public void Every_prefix_of_every_fixture_line_lands_in_exactly_one_counter()
    {
        var mapper = new EveEventMapper();
        var sink = new RecordingEdgeSink();
        int lines = 0;
        foreach (byte[] line in EveLines.All.Select(Encoding.UTF8.GetBytes))
        {
            for (int length = 0; length <= line.Length; length++)
            {
                EveLineOutcome outcome = mapper.Map(line.AsSpan(0, length), sink);
                lines++;
                Assert.True(length == line.Length || outcome.IsError() || (length == 0 && outcome == EveLineOutcome.BlankLine), $"prefix {length} of {Encoding.UTF8.GetString(line)} mapped as {outcome}");
            }
        }

        Assert.Equal(lines, mapper.GetStats().Lines);
    }

    [Fact]
    public void Nesting_deeper_than_the_limit_is_malformed_and_ordinary_nesting_is_not()
    {
        var mapper = new EveEventMapper();
        string Nested(int depth) => "{\"event_type\":\"tls\",\"x\":" + new string('[', depth) + new string(']', depth) + "}";

        Assert.Equal(EveLineOutcome.IgnoredEventType, mapper.Map(Encoding.UTF8.GetBytes(Nested(10)), new RecordingEdgeSink()));
        Assert.Equal(EveLineOutcome.MalformedJson,
            mapper.Map(Encoding.UTF8.GetBytes(Nested(EveMapperOptions.DefaultMaxJsonDepth)), new RecordingEdgeSink()));
    }

    private static Gen<(int Position, byte Value)> Edit(int length) =>
        from position in Gen.Choose(0, length - 1)
        from value in Gen.Elements("\"{}[],:0x.\\ -"u8.ToArray())
        select (position, value);

    private static bool EachLandsInExactlyOneCounter(byte[][] lines)
    {
        var mapper = new EveEventMapper();
        var sink = new RecordingEdgeSink();
        foreach (byte[] line in lines)
        {
            long before = mapper.GetStats().Lines;
            EveLineOutcome outcome = mapper.Map(line, sink);
            EveMapperStats after = mapper.GetStats();
            if (after.Lines != before + 1 || !Enum.IsDefined(outcome))
            {
                return false;
            }
        }

        EveMapperStats stats = mapper.GetStats();
        long mapped = stats.Outcomes[EveLineOutcome.Flow] * 2 + stats.Outcomes[EveLineOutcome.Alert] + stats.Outcomes[EveLineOutcome.DnsQuery];
        return stats.Lines == lines.Length && stats.EdgesEmitted == mapped && sink.Edges.Count == mapped;
    }

    private static byte[] Mutate(byte[] seed, (int Position, byte Value)[] edits, int cut)
    {
        byte[] copy = seed[..];
        foreach ((int position, byte value) in edits)
        {
            copy[position] = value;
        }

        return copy[..cut];
    }
}
