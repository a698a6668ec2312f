using System.Text.Json;
using System.Text.Json.Serialization;

namespace NerfEngine.Control.Scenarios;

/// <summary>What a scenario contains, written beside its pcap as FILE.truth.json.</summary>
public sealed record GroundTruth(
    string Scenario,
    int Seed,
    bool Benign,
    long StartNs,
    long EndNs,
    long Packets,
    IReadOnlyList<GroundTruthAttack> Attacks)
{
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string SidecarPath(string pcapPath) => Path.ChangeExtension(pcapPath, ".truth.json");

    public void Write(string pcapPath) => File.WriteAllText(SidecarPath(pcapPath), JsonSerializer.Serialize(this, Json));

    public static GroundTruth Read(string pcapPath) =>
        JsonSerializer.Deserialize<GroundTruth>(File.ReadAllText(SidecarPath(pcapPath)), Json)
        ?? throw new InvalidDataException($"empty ground truth beside {pcapPath}");
}

/// <summary>
/// One attack: the verdict a detector should reach, when its first packet was sent, who attacked
/// what. Attackers and targets are addresses ("10.0.0.1") or services ("10.0.0.1:80/tcp").
/// </summary>
public sealed record GroundTruthAttack(
    string Verdict,
    long OnsetNs,
    long EndNs,
    IReadOnlyList<string> Attackers,
    IReadOnlyList<string> Targets);
