using System.Diagnostics;
using System.Net;
using NerfEngine.Control.Scenarios;
using NerfEngine.Sensor.Capture.Files;
using NerfEngine.Sensor.Parsing;

namespace NerfEngine.Tests.ControlNode.Scenarios;

public sealed class ScenarioCorpusTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nerf-scenarios-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string> Names() => new(ScenarioCatalog.All.Select(s => s.Name));

    [Theory]
    [MemberData(nameof(Names))]
    public void Same_scenario_and_seed_write_byte_identical_files(string name)
    {
        var a = Path.Combine(_dir, "a.pcap");
        var b = Path.Combine(_dir, "b.pcap");
        ScenarioCatalog.Write(name, 7, a);
        ScenarioCatalog.Write(name, 7, b);
        Assert.Equal(File.ReadAllBytes(a), File.ReadAllBytes(b));
        Assert.Equal(File.ReadAllText(GroundTruth.SidecarPath(a)), File.ReadAllText(GroundTruth.SidecarPath(b)));
        ScenarioCatalog.Write(name, 8, b);
        Assert.NotEqual(File.ReadAllBytes(a), File.ReadAllBytes(b));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Every_frame_is_well_formed_ip_and_tshark_reads_the_same_packets(string name)
    {
        var path = Path.Combine(_dir, $"{name}.pcap");
        var truth = ScenarioCatalog.Write(name, 1, path);

        long records = 0, previous = 0;
        using (var reader = CaptureFileReader.Open(path))
        {
            while (reader.MoveNext())
            {
                var record = reader.Current;
                records++;
                Assert.True(record.TimestampNanoseconds >= previous, "records are in time order");
                previous = record.TimestampNanoseconds;
                var outcome = PacketParser.Parse(record.Data, out _, record.OriginalLength);
                Assert.True(outcome is ParseOutcome.Ipv4 or ParseOutcome.Ipv6, $"record {records}: {outcome}");
            }
        }
        Assert.Equal(truth.Packets, records);
        Assert.Equal(truth.Packets, TsharkPacketCount(path));
        Assert.InRange(previous, truth.StartNs, truth.EndNs + 1_000_000_000L);
    }

    [Fact]
    public void Botnet_fan_in_puts_at_least_120_sources_on_one_service_inside_200_ms()
    {
        var path = Path.Combine(_dir, "botnet.pcap");
        var truth = ScenarioCatalog.Write("botnet-fanin", 3, path, withBackground: false);
        var attack = Assert.Single(truth.Attacks);
        Assert.Equal("botnet_coordination", attack.Verdict);
        Assert.True(attack.Attackers.Count >= 120);
        Assert.True(attack.EndNs - attack.OnsetNs <= 200_000_000L, $"spread {(attack.EndNs - attack.OnsetNs) / 1e6} ms");

        var synSources = SynSources(path, IPAddress.Parse("10.10.0.80"), 80);
        Assert.Equal(attack.Attackers.Order(), synSources.Select(s => s.Source.ToString()).Distinct().Order());
        Assert.True(synSources.Max(s => s.TimestampNs) - synSources.Min(s => s.TimestampNs) <= 200_000_000L);
    }

    [Fact]
    public void Rotating_botnet_replaces_its_sources_every_wave()
    {
        var path = Path.Combine(_dir, "rotating.pcap");
        ScenarioCatalog.Write("rotating-botnet", 5, path, withBackground: false);
        var syns = SynSources(path, IPAddress.Parse("10.10.0.44"), 443);
        var waves = syns.GroupBy(s => (s.TimestampNs - ScenarioContext.AttackOnsetNs) / (2 * ScenarioContext.Second))
            .Select(g => g.Select(s => s.Source).ToHashSet()).ToArray();
        Assert.Equal(4, waves.Length);
        for (var i = 1; i < waves.Length; i++) Assert.Empty(waves[i].Intersect(waves[i - 1]));
        Assert.All(waves, w => Assert.Equal(60, w.Count));
    }

    [Fact]
    public void Benign_scenarios_carry_no_attacks_and_attacks_carry_their_verdicts()
    {
        var expected = new Dictionary<string, string>
        {
            ["vertical-scan"] = "scanner", ["horizontal-scan"] = "scanner", ["lateral"] = "lateral",
            ["botnet-fanin"] = "botnet_coordination", ["rotating-botnet"] = "rotating_botnet",
        };
        foreach (var scenario in ScenarioCatalog.All)
        {
            var truth = ScenarioCatalog.Write(scenario.Name, 2, Path.Combine(_dir, $"{scenario.Name}.pcap"));
            if (scenario.Benign) Assert.Empty(truth.Attacks);
            else if (scenario.Name == "demo")
                Assert.Equal(["botnet_coordination", "lateral", "rotating_botnet", "scanner"], truth.Attacks.Select(a => a.Verdict).Order());
            else Assert.Equal(expected[scenario.Name], Assert.Single(truth.Attacks).Verdict);
            Assert.True(truth.Attacks.All(a => a.OnsetNs >= truth.StartNs && a.EndNs <= truth.EndNs));
        }
    }

    [Fact]
    public void Unknown_scenario_is_a_clear_error_naming_the_known_ones()
    {
        var ex = Assert.Throws<ArgumentException>(() => ScenarioCatalog.Write("nope", 1, Path.Combine(_dir, "x.pcap")));
        Assert.Contains("botnet-fanin", ex.Message);
        Assert.False(File.Exists(Path.Combine(_dir, "x.pcap")));
    }

    private static List<(long TimestampNs, IPAddress Source)> SynSources(string path, IPAddress target, ushort port)
    {
        var result = new List<(long, IPAddress)>();
        using var reader = CaptureFileReader.Open(path);
        while (reader.MoveNext())
        {
            var record = reader.Current;
            if (PacketParser.Parse(record.Data, out var p, record.OriginalLength) != ParseOutcome.Ipv4) continue;
            if (p.DestinationPort == port && p.GetDestinationIPAddress()!.Equals(target) && p.TcpFlags == TcpFlags.Syn)
                result.Add((record.TimestampNanoseconds, p.GetSourceIPAddress()!));
        }
        return result;
    }

    private static long TsharkPacketCount(string path)
    {
        var psi = new ProcessStartInfo("tshark", ["-r", path, "-T", "fields", "-e", "frame.number"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("tshark could not start; install the tshark package");
        var lines = process.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"tshark failed: {process.StandardError.ReadToEnd()}");
        return lines;
    }
}
